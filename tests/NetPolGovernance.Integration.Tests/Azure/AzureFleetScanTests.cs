using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>The whole Azure path: inventory → AKS collector (runCommand) → FleetScanner → analysis.</summary>
public sealed class AzureFleetScanTests
{
    private static readonly AnalysisOptions s_analysis = new() { Now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero) };

    [Fact]
    public async Task ScanAsync_ArmNetworkPolicyNone_EndsWithCriticalC01Finding()
    {
        // Arrange: a private cluster whose ARM profile says networkPolicy none; it is read through runCommand.
        var logs = new RunCommandOutputBuilder()
            .Namespace("shop")
            .Pod("shop", "web-1", ("app", "web"))
            .DefaultDeny("shop")
            .Build();
        var fleet = Fleet(new SimulatedCluster
        {
            Name = "aks-none",
            NetworkPlugin = "azure",
            NetworkPluginMode = "overlay",
            NetworkPolicy = "none",
            NetworkDataplane = null,
            PrivateCluster = true,
            RunCommandLogs = logs,
        });
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);

        // Act
        var assessment = Assert.Single(await ScanAsync(server));

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, assessment.Status);
        Assert.Equal(AccessPath.RunCommand, assessment.AccessPath);
        Assert.Equal("none", assessment.NetworkProfile!.NetworkPolicy);
        var c01 = Assert.Single(assessment.ClusterFindings, f => f.CheckId == "NPG-C01");
        Assert.Equal(CheckResult.Fail, c01.Result);
        Assert.Equal(Severity.Critical, c01.Severity);
    }

    [Fact]
    public async Task ScanAsync_ForbiddenSubscriptionAndStoppedCluster_AreUnknownAndSkippedWhileTheRestIsScanned()
    {
        // Arrange
        var logs = new RunCommandOutputBuilder().Namespace("shop").Pod("shop", "web-1", ("app", "web")).DefaultDeny("shop")
            .EngineDaemonSet("kube-system", "cilium", 2, 2).Build();
        var readable = new SimulatedSubscription
        {
            SubscriptionId = "00000001-2222-4222-8222-000000000001",
            Clusters =
            [
                new SimulatedCluster { Name = "aks-ok", PrivateCluster = true, RunCommandLogs = logs },
                new SimulatedCluster { Name = "aks-stopped", PowerState = "Stopped" },
            ],
        };
        var forbidden = new SimulatedSubscription
        {
            SubscriptionId = "00000002-2222-4222-8222-000000000002",
            ClustersForbidden = true,
            Clusters = [new SimulatedCluster { Name = "aks-hidden" }],
        };
        await using var server = await AzureLoopbackServer.StartAsync(new AzureFleetDescription { Subscriptions = [readable, forbidden] }, TestContext.Current.CancellationToken);

        // Act
        var assessments = (await ScanAsync(server)).ToDictionary(a => a.Cluster.Name);

        // Assert
        Assert.Equal(3, assessments.Count);
        Assert.Equal(ClusterScanStatus.Scanned, assessments["aks-ok"].Status);
        Assert.Equal(ClusterScanStatus.Skipped, assessments["aks-stopped"].Status);
        var unknown = assessments[$"subscription {forbidden.SubscriptionId}"];
        Assert.Equal(ClusterScanStatus.Unknown, unknown.Status);
        Assert.Contains("AuthorizationFailed", unknown.StatusReason, StringComparison.Ordinal);
    }

    private static AzureFleetDescription Fleet(SimulatedCluster cluster) => new()
    {
        Subscriptions = [new SimulatedSubscription { SubscriptionId = "00000001-2222-4222-8222-000000000001", Clusters = [cluster] }],
    };

    private static async Task<List<ClusterAssessment>> ScanAsync(AzureLoopbackServer server)
    {
        var credential = new StaticTokenCredential("loopback-arm-token");
        var collector = new AksSnapshotCollector(
            new ManagedClustersClient(credential, server.CreateClientOptions()),
            credential,
            new UnusedReader(),
            new AksCollectorOptions(),
            NullLogger<AksSnapshotCollector>.Instance);
        var scanner = new FleetScanner(collector, NullLogger<FleetScanner>.Instance);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope(), credential);
        var results = new List<ClusterAssessment>();
        await foreach (var assessment in scanner.ScanAsync(
            inventory.ListAsync(TestContext.Current.CancellationToken),
            s_analysis,
            new FleetScanOptions(),
            progress: null,
            TestContext.Current.CancellationToken))
        {
            results.Add(assessment);
        }

        return results;
    }

    /// <summary>These scans go through runCommand only; a live read would be a test bug.</summary>
    private sealed class UnusedReader : IKubernetesClusterReader
    {
        public Task<CollectionOutcome> ReadAsync(k8s.KubernetesClientConfiguration configuration, Analysis.Model.ClusterIdentity identity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no live read expected in this test");
    }
}
