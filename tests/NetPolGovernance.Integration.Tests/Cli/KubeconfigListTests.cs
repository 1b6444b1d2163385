using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// <c>scan --kubeconfig</c> and <c>remediate --apply</c> load a <c>KUBECONFIG</c> list the same way (kubectl's rules: the
/// first definition of a name wins, the first current-context wins, a missing entry is skipped), so one context name
/// reaches one server in both.
/// </summary>
public sealed class KubeconfigListTests : IAsyncLifetime
{
    private static readonly string s_cluster = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");

    private readonly TempDirectory _dir = new();
    private LoopbackKubernetesApiServer _server = null!;
    private VirtualCluster _first = null!;
    private VirtualCluster _second = null!;
    private KubeconfigEnvironment _environment = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);
        _first = _server.AddCluster("first").Add(KubeObjects.Namespace("shop"));
        _second = _server.AddCluster("second").Add(KubeObjects.Namespace("shop"));

        // File one: "prod" → first, current. File two: "prod" again → second (shadowed), "staging" → second, current (shadowed).
        var one = _dir.Write("one", _first.Kubeconfig("prod"));
        var two = _dir.Write("two", KubeconfigBuilder.Build([_second.ToKubeconfigContext("prod"), _second.ToKubeconfigContext("staging")], currentContext: "staging"));
        var missing = Path.Combine(_dir.Path, "missing");
        _environment = new KubeconfigEnvironment(string.Join(Path.PathSeparator, one, missing, two), _dir.Path);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("prod", "first")]
    [InlineData("staging", "second")]
    public async Task ScanAndApply_OnAMultiFileKubeconfig_ReachTheSameServerForOneContext(string context, string expected)
    {
        var (target, other) = expected == "first" ? (_first, _second) : (_second, _first);

        using (var scan = new CliHarness(services => services.AddSingleton(_environment)))
        {
            var exit = await scan.RunAsync("scan", "--kubeconfig", "--context", context, "--format", "json");
            Assert.True(exit is ExitCodes.Compliant or ExitCodes.NonCompliant, scan.StandardError);
        }

        Assert.True(target.Traffic.Calls > 0);
        Assert.Equal(0, other.Traffic.Calls);

        using (var apply = new CliHarness(services => services.AddSingleton(_environment)))
        {
            var exit = await apply.RunAsync("remediate", "--manifests", s_cluster, "--apply", "--context", context);
            Assert.True(exit == 0, apply.StandardError);
        }

        Assert.Equal(6, target.Traffic.Requests.Count(r => r.Resource == "networkpolicies" && r.Method == "POST"));
        Assert.Equal(0, other.Traffic.Calls);
    }

    [Fact]
    public async Task Scan_WithoutContext_UsesTheFirstFilesCurrentContext()
    {
        using var scan = new CliHarness(services => services.AddSingleton(_environment));

        await scan.RunAsync("scan", "--kubeconfig", "--format", "json");

        using var report = JsonDocument.Parse(scan.RawStandardOutput);
        Assert.Equal("prod", Assert.Single(report.RootElement.GetProperty("clusters").EnumerateArray().ToList()).GetProperty("kubeContext").GetString());
        Assert.True(_first.Traffic.Calls > 0);
        Assert.Equal(0, _second.Traffic.Calls);
    }

    [Fact]
    public async Task Apply_ToAContextNoFileDefines_IsAUsageErrorListingTheKnownContexts()
    {
        using var apply = new CliHarness(services => services.AddSingleton(_environment));

        var exit = await apply.RunAsync("remediate", "--manifests", s_cluster, "--apply", "--context", "dev");

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("no context named 'dev'; known contexts: prod, staging", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, _first.Traffic.Calls + _second.Traffic.Calls);
    }
}
