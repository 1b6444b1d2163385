using Azure.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Functions.Triggers;
using NetPolGovernance.Service;
using NetPolGovernance.Service.DeadLetters;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Testing.LogAnalytics;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>
/// The Functions app end to end on loopback parts: the Azure inventory and the AKS collector (runCommand path) against
/// the loopback ARM / Resource Graph server, Azurite queues and blobs, the Log Analytics publisher against the loopback
/// Logs Ingestion server. Nothing is faked but the live Kubernetes reader, which these private clusters never use.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsEndToEndTests(AzuriteFixture azurite)
{
    private const string Subscription = "5d7a4c1e-8b3f-4e2a-9c6d-0f1e2d3c4b5a";

    [Fact]
    public async Task ScheduledScan_LoopbackFleet_IngestionReceivesEveryExpectedRowOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var parts = await LoopbackParts.StartAsync(
            [Private("aks-east"), Private("aks-west"), Private("aks-broken") with { RunCommandFailureReason = "KubernetesPerformanceError" }], ct);
        using var harness = parts.CreateHarness(azurite);

        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var main = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);
        var poison = await harness.DeliverAsync(harness.PoisonQueue, harness.Function<ScanClusterPoison>().RunAsync, ct);

        var clusters = parts.Ingestion.RowsFor(LogAnalyticsSchema.ClusterScans);
        var statuses = clusters.ToDictionary(r => r.GetProperty("ClusterName").GetString()!, r => r.GetProperty("Status").GetString());
        Assert.Equal((2, 1, 1), (main.Succeeded, main.Poisoned, poison.Succeeded));
        Assert.Equal(3, clusters.Count);
        Assert.Equal("Scanned", statuses["aks-east"]);
        Assert.Equal("Scanned", statuses["aks-west"]);
        Assert.Equal("Unknown", statuses["aks-broken"]);
        Assert.Contains("KubernetesPerformanceError", clusters.Single(r => r.GetProperty("ClusterName").GetString() == "aks-broken").GetProperty("Error").GetString(), StringComparison.Ordinal);
        Assert.Single(clusters.Select(r => r.GetProperty("ScanId").GetString()).Distinct());
        // Two clusters of four namespaces: shop, web, and the default and kube-system every cluster has.
        Assert.Equal(2 * 4, parts.Ingestion.RowsFor(LogAnalyticsSchema.Namespaces).Count);
        Assert.Equal(2 + ScanStorageNames.MaxDequeueCount, parts.Arm.Calls.RunCommands);
        Assert.Equal(parts.Ingestion.AcceptedRowIds().Count, parts.Ingestion.AcceptedRowIds().Distinct().Count());
    }

    [Fact]
    public async Task ScanCluster_MessageRedeliveredAfterPublishing_AddsNoRows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var parts = await LoopbackParts.StartAsync([Private("aks-east"), Private("aks-west")], ct);
        using var harness = parts.CreateHarness(azurite);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var originals = (await harness.ScanQueue.PeekMessagesAsync(maxMessages: 10, ct)).Value.Select(m => m.MessageText).ToList();
        await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);
        var rowsAfterFirstDelivery = parts.Ingestion.AcceptedRowIds().Count;

        foreach (var text in originals)
        {
            await harness.ScanQueue.SendMessageAsync(text, ct);
        }

        var redelivery = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);

        Assert.Equal(2, redelivery.Succeeded);
        Assert.True(rowsAfterFirstDelivery > 2);
        Assert.Equal(rowsAfterFirstDelivery, parts.Ingestion.AcceptedRowIds().Count);
        Assert.Equal(2, parts.Ingestion.RowsFor(LogAnalyticsSchema.ClusterScans).Count);
    }

    [Fact]
    public async Task ScanCluster_IngestionRefusesEveryUpload_RowsAreDeadLetteredAndTheClusterIsNotRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var parts = await LoopbackParts.StartAsync([Private("aks-east")], ct);
        using var harness = parts.CreateHarness(azurite);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var message = (await harness.PeekScanMessagesAsync(ct))[0];
        parts.Ingestion.FailAlways(503);

        var log = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);

        var deadLetters = harness.Blobs.GetBlobContainerClient(BlobDeadLetterStore.DefaultContainerName);
        var entries = new List<string>();
        await foreach (var blob in deadLetters.GetBlobsAsync(cancellationToken: ct))
        {
            entries.Add(blob.Name);
        }

        var completion = await harness.Service<ScanLedger>().ReadCompletionAsync(message.ScanId, message.ClusterKey, ct);
        Assert.Equal((1, 0), (log.Succeeded, log.Failures.Count));
        Assert.Empty(parts.Ingestion.AcceptedRowIds());
        Assert.NotEmpty(entries);
        Assert.NotNull(completion);
    }

    [Fact]
    public async Task Health_LoopbackParts_EveryCheckHealthyAfterAScan()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var parts = await LoopbackParts.StartAsync([Private("aks-east")], ct);
        using var harness = parts.CreateHarness(azurite);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        var report = await harness.Service<ServiceHealthCheck>().CheckAsync(ct);

        Assert.All(report.Checks, c => Assert.True(c.State == HealthState.Healthy, $"{c.Name}: {c.Message}"));
        Assert.Contains("aks-east", report.Checks.Single(c => c.Name == "inventory").Message, StringComparison.Ordinal);
    }

    /// <summary>A private cluster (read through runCommand) with two namespaces besides default and kube-system, one default-deny, and a ready Cilium.</summary>
    private static SimulatedCluster Private(string name) => new()
    {
        Name = name,
        PrivateCluster = true,
        RunCommandLogs = new RunCommandOutputBuilder()
            .Namespace("shop")
            .Namespace("web")
            .Pod("shop", "api-0", ("app", "api"))
            .Pod("web", "front-0", ("app", "front"))
            .DefaultDeny("shop")
            .EngineDaemonSet("kube-system", "cilium", 3, 3)
            .Build(),
    };

    private sealed class LoopbackParts(AzureLoopbackServer arm, LoopbackLogsIngestionServer ingestion) : IAsyncDisposable
    {
        public AzureLoopbackServer Arm { get; } = arm;

        public LoopbackLogsIngestionServer Ingestion { get; } = ingestion;

        public static async Task<LoopbackParts> StartAsync(IReadOnlyList<SimulatedCluster> clusters, CancellationToken cancellationToken)
        {
            var fleet = new AzureFleetDescription
            {
                Subscriptions = [new SimulatedSubscription { SubscriptionId = Subscription, Clusters = clusters }],
            };
            var arm = await AzureLoopbackServer.StartAsync(fleet, cancellationToken);
            var ingestion = await LoopbackLogsIngestionServer.StartAsync(cancellationToken, immutableId: "dcr-5d7a4c1e8b3f4e2a9c6d0f1e2d3c4b5a");
            return new LoopbackParts(arm, ingestion);
        }

        public ServiceHarness CreateHarness(AzuriteFixture azurite)
        {
            var account = azurite.Server.NextAccount();
            var credential = new ScopedTokenCredential(account.Credential, Ingestion.Credential, new StaticTokenCredential("loopback-arm-token"));
            return ServiceHarness.Create(
                account,
                collector: null,
                services =>
                {
                    services.AddSingleton<IKubernetesClusterReader>(new UnreachableClusterReader());
                    services.AddSingleton<TokenCredential>(credential);
                    services.AddSingleton(Arm.CreateClientOptions());
                    services.AddSingleton(Ingestion.CreateClientOptions());
                },
                new Dictionary<string, string?>
                {
                    [FunctionSettings.SubscriptionIds] = Subscription,
                    [FunctionSettings.LogsIngestionEndpoint] = Ingestion.Endpoint.ToString(),
                    [FunctionSettings.DcrImmutableId] = Ingestion.ImmutableId,
                });
        }

        public async ValueTask DisposeAsync()
        {
            await Arm.DisposeAsync();
            await Ingestion.DisposeAsync();
        }
    }
}
