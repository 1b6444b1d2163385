using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Publishing;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary><c>netpolgov scan --publish</c> through the real parser, against a loopback Logs Ingestion endpoint.</summary>
public sealed class ScanPublishTests : IDisposable
{
    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {owner: team-shop}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: billing}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: billing}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """;

    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Scan_PublishWithoutEndpoint_UsageErrorNamingOptionAndVariable()
    {
        var manifests = _dir.Write("m.yaml", Manifests);

        var exitCode = await _cli.RunAsync("scan", "--manifests", manifests, "--publish", "--dcr-immutable-id", "dcr-00000000000000000000000000000001");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--dcr-endpoint URL or NETPOLGOV_DCR_ENDPOINT", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_PublishArmIdInsteadOfImmutableId_UsageError()
    {
        var manifests = _dir.Write("m.yaml", Manifests);

        var exitCode = await _cli.RunAsync(
            "scan", "--manifests", manifests, "--publish", "--dcr-endpoint", "https://dcr.example", "--dcr-immutable-id", "/subscriptions/x/dataCollectionRules/y");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("not a DCR immutable id", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_PublishToHealthyEndpoint_EveryRowArrivesAndVerdictKept()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var manifests = _dir.Write("m.yaml", Manifests);
        UseLoopback(server, maxRetries: 5);

        var exitCode = await _cli.RunAsync(PublishArgs(server, manifests));

        Assert.Equal(ExitCodes.NonCompliant, exitCode); // shop has no policy; publishing succeeded, so not 4
        Assert.Single(server.RowsFor(LogAnalyticsSchema.ClusterScans));
        Assert.Equal(
            ["billing", "shop"],
            server.RowsFor(LogAnalyticsSchema.Namespaces).Select(r => r.GetProperty("Namespace").GetString()).Order());
        Assert.Contains(server.RowsFor(LogAnalyticsSchema.Findings), r => r.GetProperty("CheckId").GetString() == "NPG-N01" && r.GetProperty("Namespace").GetString() == "shop");
        Assert.DoesNotContain("publishing failed", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_PublishServiceDown_Exit4WithDeadLetterFolderThenNextRunReplays()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var manifests = _dir.Write("m.yaml", Manifests);
        UseLoopback(server, maxRetries: 1);
        server.FailAlways(503);

        var failedRun = await _cli.RunAsync(PublishArgs(server, manifests));
        var failedError = _cli.StandardError;
        server.StopFailing();
        using var nextCli = new CliHarness { Overrides = _cli.Overrides };
        var nextRun = await nextCli.RunAsync(PublishArgs(server, manifests));

        Assert.Equal(ExitCodes.PublishFailed, failedRun);
        Assert.Contains("publishing failed after retries", failedError, StringComparison.Ordinal);
        Assert.Contains(DeadLetterFolder, failedError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NonCompliant, nextRun);
        Assert.Equal(2, server.RowsFor(LogAnalyticsSchema.ClusterScans).Count); // run 1 (replayed) and run 2
        Assert.Equal(server.AcceptedRowIds().Count, server.AcceptedRowIds().Distinct().Count());
        Assert.Empty(Directory.EnumerateFiles(DeadLetterFolder, "*", SearchOption.AllDirectories));
    }

    private string DeadLetterFolder => Path.Combine(_dir.Path, "dead-letter");

    private string[] PublishArgs(LoopbackLogsIngestionServer server, string manifests) =>
    [
        "scan", "--manifests", manifests, "--format", "json",
        "--publish", "--dcr-endpoint", server.Endpoint.ToString(), "--dcr-immutable-id", server.ImmutableId,
        "--dead-letter", DeadLetterFolder,
    ];

    private void UseLoopback(LoopbackLogsIngestionServer server, int maxRetries) =>
        _cli.Overrides = services => services.AddSingleton<ILogsIngestionClientFactory>(new LoopbackClients(server, maxRetries));

    private sealed class LoopbackClients(LoopbackLogsIngestionServer server, int maxRetries) : ILogsIngestionClientFactory
    {
        public LogsIngestionClient Create(Uri endpoint, string immutableId, LogsIngestionAudience audience) =>
            new(endpoint, immutableId, server.Credential, server.CreateClientOptions(maxRetries));
    }
}
