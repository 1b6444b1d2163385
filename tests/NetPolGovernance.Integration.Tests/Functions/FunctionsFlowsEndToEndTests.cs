using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Functions.Triggers;
using NetPolGovernance.Service;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Testing.LogAnalytics;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>
/// The Functions app with a flows window (NETPOLGOV_FLOWS_WINDOW) against a simulated fleet: the composed Azure
/// inventory, AKS collector and Kubernetes reader read the fleet simulator, each cluster's flows come from its
/// resource-centric ContainerNetworkLogs query (answered by the simulator), and the loopback Logs Ingestion server
/// receives the flows summary stream. The static/runtime disagreement shows on the one cluster whose engine silently
/// does not enforce, and on no other.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsFlowsEndToEndTests(AzuriteFixture azurite)
{
    private static FleetSimulationOptions Options(int seed) => new()
    {
        Seed = seed,
        Clusters = 6,
        NamespacesPerCluster = 6,
        PodsPerNamespace = 4,
        FaultRate = 0,
        Latency = TimeSpan.Zero,
    };

    /// <summary>A seed whose fleet has a non-enforcing cluster and another cluster with flow logs (found, not hard-coded).</summary>
    private static int SeedWithSilentCluster() => Enumerable.Range(1, 300).First(seed =>
    {
        var fleet = new SimulatedFleet(Options(seed));
        return fleet.NonEnforcingCluster >= 0 && fleet.Clusters.Count(SimulatedClusterFlows.HasFlowLogs) >= 2;
    });

    [Fact]
    public async Task ScheduledScan_SimulatedFleetWithFlowsWindow_FlowsStreamFlagsTheNonEnforcingClusterOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = Options(SeedWithSilentCluster());
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        await using var ingestion = await LoopbackLogsIngestionServer.StartAsync(ct, immutableId: "dcr-f10e5000000000000000000000000001");
        var silent = SimulatedFleet.ClusterName(simulator.Fleet.NonEnforcingCluster);
        var withFlowLogs = simulator.Fleet.Clusters.Where(SimulatedClusterFlows.HasFlowLogs).Select(p => p.Name).ToList();
        var account = azurite.Server.NextAccount();
        var simulatorToken = new StaticTokenCredential(simulator.Token);
        using var harness = ServiceHarness.Create(
            account,
            collector: null,
            services =>
            {
                services.AddSingleton<TokenCredential>(new ScopedTokenCredential(account.Credential, ingestion.Credential, simulatorToken));
                services.AddSingleton(simulator.Azure.CreateClientOptions());
                services.AddSingleton(ingestion.CreateClientOptions());
                services.AddSingleton(QueryClient(simulator, simulatorToken));
            },
            new Dictionary<string, string?>
            {
                [FunctionSettings.SubscriptionIds] = string.Join(',', Enumerable.Range(0, options.SubscriptionCount).Select(SimulatedFleet.SubscriptionId)),
                [FunctionSettings.LogsIngestionEndpoint] = ingestion.Endpoint.ToString(),
                [FunctionSettings.DcrImmutableId] = ingestion.ImmutableId,
                [FunctionSettings.FlowsWindow] = "1.00:00:00",
            });

        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var delivered = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);

        Assert.Equal((options.Clusters, 0), (delivered.Succeeded, delivered.Failures.Count));
        var flows = ingestion.RowsFor(LogAnalyticsSchema.Flows);
        var namespaceRows = flows.Where(r => Text(r, "Kind") == FlowRowKinds.Namespace).ToList();
        Assert.Equal(withFlowLogs.Order(), namespaceRows.Select(r => Text(r, "ClusterName")!).Distinct().Order());
        var disagreeing = namespaceRows.Where(r => r.GetProperty("StaticRuntimeDisagreement").GetInt32() > 0).ToList();
        Assert.NotEmpty(disagreeing);
        Assert.Equal([silent], disagreeing.Select(r => Text(r, "ClusterName")).Distinct());
        Assert.All(disagreeing, r => Assert.Equal("Fail", Text(r, "RuntimeCheckResult")));
        Assert.Equal([silent], flows.Where(r => Text(r, "Kind") == FlowRowKinds.Contradiction).Select(r => Text(r, "ClusterName")).Distinct());
        Assert.Contains(flows, r => Text(r, "Kind") == FlowRowKinds.PolicyHits && Text(r, "ClusterName") != silent);

        // The flow rows carry the same cluster identity and scan time as the cluster-scan rows they belong to.
        var scans = ingestion.RowsFor(LogAnalyticsSchema.ClusterScans)
            .ToDictionary(r => Text(r, "ClusterName")!, r => (Text(r, "ClusterResourceId"), Text(r, "ScanId"), Text(r, "TimeGenerated")));
        Assert.All(flows, r => Assert.Equal(scans[Text(r, "ClusterName")!], (Text(r, "ClusterResourceId"), Text(r, "ScanId"), Text(r, "TimeGenerated"))));
        Assert.Equal(ingestion.AcceptedRowIds().Count, ingestion.AcceptedRowIds().Distinct().Count());
    }

    private static string? Text(JsonElement row, string column) =>
        row.TryGetProperty(column, out var value) ? value.ToString() : null;

    /// <summary>The simulator's query API (its ARM server answers resource-centric queries), pinned to its TLS, as the app's query client.</summary>
    private static LogAnalyticsQueryClient QueryClient(FleetSimulator simulator, TokenCredential credential)
    {
        var options = new LogAnalyticsQueryClientOptions
        {
            Endpoint = simulator.Azure.Endpoint,
            Scope = simulator.Azure.Endpoint.GetLeftPart(UriPartial.Authority) + "/.default",
            Transport = new HttpClientTransport(simulator.Azure.CreateTrustingHandler()),
        };
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        return new LogAnalyticsQueryClient(credential, options);
    }
}
