using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>One transport rule for scan, reach, remediate and remediate --apply: https only, TLS always verified.</summary>
public sealed class ClusterTransportPolicyTests : IAsyncLifetime
{
    private const string Token = "s3cret-bearer-token-for-the-http-test";
    private static readonly string s_manifests = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");

    private readonly TempDirectory _dir = new();
    private PlainHttpServer _http = null!;
    private LoopbackKubernetesApiServer _https = null!;

    public async ValueTask InitializeAsync()
    {
        _http = await PlainHttpServer.StartAsync(TestContext.Current.CancellationToken);
        _https = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _http.DisposeAsync();
        await _https.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Scan_PlainHttpServer_IsUnknownAndNoRequestReachesIt()
    {
        var kubeconfig = _dir.Write("http", KubeconfigYaml.Token("plain", _http.BaseAddress.AbsoluteUri, Token));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--format", "json");

        Assert.Equal(ExitCodes.Incomplete, exit);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var cluster = report.RootElement.GetProperty("clusters")[0];
        Assert.Equal("Unknown", cluster.GetProperty("status").GetString());
        Assert.Equal(ClusterTransportPolicy.Refusal(_http.BaseAddress.AbsoluteUri, skipTlsVerify: false), cluster.GetProperty("reason").GetString());
        Assert.Empty(_http.Requests);
        Assert.DoesNotContain(Token, cli.StandardOutput + cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemediateApply_PlainHttpServer_ExitsOneAndNoRequestReachesIt()
    {
        var kubeconfig = _dir.Write("http", KubeconfigYaml.Token("plain", _http.BaseAddress.AbsoluteUri, Token));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_manifests, "--apply", "--kubeconfig", kubeconfig, "--context", "plain");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains(ClusterTransportPolicy.Refusal(_http.BaseAddress.AbsoluteUri, skipTlsVerify: false)!, Flat(cli.StandardError), StringComparison.Ordinal);
        Assert.Empty(_http.Requests);
        Assert.DoesNotContain("applied:", cli.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SkipTlsVerifyContext_IsUnknownWithTheOneMessageAndNothingSent()
    {
        var cluster = _https.AddCluster("skip-scan").Add(KubeObjects.Namespace("a"));
        var kubeconfig = _dir.Write("skip-scan", KubeconfigYaml.Token("skip", cluster.ServerUrl.AbsoluteUri, cluster.Token, skipTlsVerify: true));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--format", "json");

        Assert.Equal(ExitCodes.Incomplete, exit);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Equal(ClusterTransportPolicy.SkipTlsVerifyRefused, report.RootElement.GetProperty("clusters")[0].GetProperty("reason").GetString());
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task Reach_SkipTlsVerifyContext_ExitsOneWithTheOneMessageAndNothingSent()
    {
        var cluster = _https.AddCluster("skip-reach").Add(KubeObjects.Namespace("a"));
        var kubeconfig = _dir.Write("skip-reach", KubeconfigYaml.Token("skip", cluster.ServerUrl.AbsoluteUri, cluster.Token, skipTlsVerify: true));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--kubeconfig", kubeconfig, "--from", "a/x", "--to", "a/y", "--port", "80");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains(ClusterTransportPolicy.SkipTlsVerifyRefused, Flat(cli.StandardError), StringComparison.Ordinal);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task RemediateApply_SkipTlsVerifyContext_ExitsOneWithTheOneMessageAndNothingSent()
    {
        var cluster = _https.AddCluster("skip-apply").Add(KubeObjects.Namespace("shop"));
        var kubeconfig = _dir.Write("skip-apply", KubeconfigYaml.Token("skip", cluster.ServerUrl.AbsoluteUri, cluster.Token, skipTlsVerify: true));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_manifests, "--apply", "--kubeconfig", kubeconfig, "--context", "skip");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains(ClusterTransportPolicy.SkipTlsVerifyRefused, Flat(cli.StandardError), StringComparison.Ordinal);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Theory]
    [InlineData("https://127.0.0.1:6443", false, null)]
    [InlineData("http://127.0.0.1:6443", false, "is not https")]
    [InlineData("HTTP://cluster.example", false, "is not https")]
    [InlineData("not a url", false, "not an absolute https URL")]
    [InlineData(null, false, "not an absolute https URL")]
    [InlineData("https://127.0.0.1:6443", true, "insecure-skip-tls-verify")]
    public void Refusal_ChecksSchemeAndVerification(string? server, bool skip, string? expected)
    {
        var refusal = ClusterTransportPolicy.Refusal(server, skip);

        if (expected is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains(expected, refusal, StringComparison.Ordinal);
        }
    }

    // Spectre wraps long stderr lines at the console width; compare the words, not the line breaks.
    private static string Flat(string text) => string.Join(' ', text.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
}
