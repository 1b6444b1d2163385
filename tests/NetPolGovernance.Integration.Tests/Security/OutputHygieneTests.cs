using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Connectors.Output;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Kubernetes;
using Spectre.Console.Testing;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>Control characters never reach the terminal raw; credentials a server echoes never reach a report.</summary>
public sealed class OutputHygieneTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u001b[31mb", "a\\u001b[31mb")]
    [InlineData("c1\u009b2J", "c1\\u009b2J")]
    [InlineData("bidi\u202eevil", "bidi\\u202eevil")]
    [InlineData("line\nbreak\r", "line\\u000abreak\\u000d")]
    [InlineData("del\u007f", "del\\u007f")]
    public void Escape_ControlCharacters_BecomeVisibleEscapes(string value, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(value));

    [Fact]
    public void EscapeMessage_KeepsLineBreaksButNotEscapes() =>
        Assert.Equal("one\ntwo\r\n\\u001b]0;title\\u0007", TerminalText.EscapeMessage("one\ntwo\r\n\u001b]0;title\u0007"));

    [Fact]
    public void DisplayError_EscapeSequenceInMessage_IsPrintedEscaped()
    {
        using var output = new TestConsole();
        using var error = new TestConsole();
        var interaction = new ConsoleInteractionService(output, error, () => Stream.Null);

        interaction.DisplayError("namespace evil\u001b[2J\u001b[H: refused");

        Assert.DoesNotContain("\u001b", error.Output, StringComparison.Ordinal);
        Assert.Contains("evil\\u001b[2J\\u001b[H: refused", error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableReport_EscapeSequenceInAnObjectName_IsPrintedEscaped()
    {
        using var temp = new TempDirectory();
        var manifests = temp.Write("cluster.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: "deny\e[2J"
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: "web\e]0;pwned\a"
              namespace: shop
            spec:
              containers:
              - name: web
                image: nginx
            """);
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--manifests", manifests);

        Assert.DoesNotContain("\u001b", cli.StandardOutput + cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", cli.StandardOutput + cli.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("denied for Bearer abc.def-ghi_123", "denied for Bearer [redacted]")]
    [InlineData("Authorization: bearer eyJhbGciOi.x.y rejected", "Authorization: bearer [redacted] rejected")]
    [InlineData("the token topsecret-value is expired", "the token [redacted] is expired")]
    [InlineData("nothing secret", "nothing secret")]
    public void Redact_RemovesAuthorizationValuesAndKnownSecrets(string text, string expected) =>
        Assert.Equal(expected, CredentialRedaction.Redact(text, "topsecret-value"));

    [Fact]
    public async Task Collect_ServerEchoesTheToken_ReasonCarriesNoCredential()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("echo").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(
            KubeFault.Status(400, "BadRequest", _ => $"cannot serve this request: Authorization: Bearer {cluster.Token} (token {cluster.Token})"),
            KubeRequestMatch.Resource("namespaces"));
        var collector = new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance);

        var outcome = await collector.CollectAsync(cluster.CreateClientConfiguration(), new ClusterIdentity { Name = "echo" }, ct);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("cannot serve this request", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(CredentialRedaction.Marker, outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Token, outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanJson_ServerEchoesTheToken_ReportCarriesNoCredential()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("echo-cli").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.Status(422, "Invalid", _ => $"unexpected credential {cluster.Token}"), KubeRequestMatch.Resource("namespaces"));
        using var temp = new TempDirectory();
        var kubeconfig = temp.Write("config", cluster.Kubeconfig());
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--format", "json");

        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Equal("Unknown", report.RootElement.GetProperty("clusters")[0].GetProperty("status").GetString());
        Assert.DoesNotContain(cluster.Token, cli.StandardOutput + cli.StandardError, StringComparison.Ordinal);
    }
}
