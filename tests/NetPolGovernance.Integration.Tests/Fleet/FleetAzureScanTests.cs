using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary>
/// The Azure path against the simulated fleet: Resource Graph inventory → AKS collector (runCommand for private
/// clusters; listClusterUserCredential → live read for public ones) → FleetScanner → analysis.
/// </summary>
public sealed class FleetAzureScanTests
{
    [Fact]
    public async Task ScanAsync_PrivateAndStoppedSimulatedClusters_ReadThroughRunCommandOrSkippedAsPlanned()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var options = new FleetSimulationOptions
        {
            Seed = 12,
            Clusters = 3,
            NamespacesPerCluster = 6,
            PodsPerNamespace = 10,
            PrivateRate = 1,
            StoppedRate = 0,
            Overrides = new Dictionary<int, ClusterOverride> { [2] = new() { Stopped = true, Private = false } },
        };
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        var credential = new StaticTokenCredential(simulator.Token);
        var collector = new AksSnapshotCollector(
            new ManagedClustersClient(credential, simulator.Azure.CreateClientOptions()),
            credential,
            new NoLiveReads(),
            new AksCollectorOptions(),
            NullLogger<AksSnapshotCollector>.Instance);
        var inventory = Azure.AzureTestFleet.Inventory(simulator.Azure, new AzureInventoryScope(), credential);
        var scanner = new FleetScanner(collector, NullLogger<FleetScanner>.Instance);

        // Act
        var assessments = new Dictionary<string, ClusterAssessment>();
        await foreach (var assessment in scanner.ScanAsync(
            inventory.ListAsync(ct), new AnalysisOptions { Now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero) }, new FleetScanOptions(), null, ct))
        {
            assessments[assessment.Cluster.Name] = assessment;
        }

        // Assert
        Assert.Equal(["aks-00000", "aks-00001", "aks-00002"], assessments.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ClusterScanStatus.Skipped, assessments["aks-00002"].Status);
        foreach (var name in new[] { "aks-00000", "aks-00001" })
        {
            var plan = simulator.Fleet.Cluster(simulator.Fleet.IndexOf(name));
            Assert.Equal((ClusterScanStatus.Scanned, AccessPath.RunCommand), (assessments[name].Status, assessments[name].AccessPath));
            Assert.Equal(plan.NamespacesWithoutNetworkPolicy, assessments[name].Namespaces.Where(n => !n.HasPolicy).Select(n => n.Name).Order(StringComparer.Ordinal));
            Assert.Equal(plan.PodCount, assessments[name].PodCount);
            Assert.Equal(0, simulator.Cluster(name)!.Traffic.Calls);
        }
    }

    [Fact]
    public async Task ScanAsync_SimulatedFleet_PublicPrivateStoppedAndFaultyClustersEndAsPlanned()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var options = new FleetSimulationOptions
        {
            Seed = 12,
            Clusters = 5,
            NamespacesPerCluster = 6,
            PodsPerNamespace = 10,
            PrivateRate = 0,
            StoppedRate = 0,
            Overrides = new Dictionary<int, ClusterOverride>
            {
                [1] = new() { Private = true },
                [2] = new() { Stopped = true },
                [3] = new() { Fault = SimulatedFault.Unauthorized },
                [4] = new() { Fault = SimulatedFault.ForbiddenCrd, Engine = SimulatedEngine.Calico },
            },
        };
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        var credential = new StaticTokenCredential(simulator.Token);
        var clientOptions = simulator.Azure.CreateClientOptions();
        var collector = new AksSnapshotCollector(
            new ManagedClustersClient(credential, clientOptions),
            credential,
            new LiveReader(new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance)),
            new AksCollectorOptions(),
            NullLogger<AksSnapshotCollector>.Instance);
        var inventory = Azure.AzureTestFleet.Inventory(simulator.Azure, new AzureInventoryScope(), credential);
        var scanner = new FleetScanner(collector, NullLogger<FleetScanner>.Instance);

        // Act
        var assessments = new Dictionary<string, ClusterAssessment>();
        await foreach (var assessment in scanner.ScanAsync(inventory.ListAsync(ct), new AnalysisOptions { Now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero) }, new FleetScanOptions(), null, ct))
        {
            assessments[assessment.Cluster.Name] = assessment;
        }

        // Assert
        Assert.Equal(5, assessments.Count);
        Assert.Equal((ClusterScanStatus.Scanned, AccessPath.AksEntraToken), (assessments["aks-00000"].Status, assessments["aks-00000"].AccessPath));
        Assert.Equal((ClusterScanStatus.Scanned, AccessPath.RunCommand), (assessments["aks-00001"].Status, assessments["aks-00001"].AccessPath));
        Assert.Equal(ClusterScanStatus.Skipped, assessments["aks-00002"].Status);
        Assert.Equal(ClusterScanStatus.Unknown, assessments["aks-00003"].Status);
        Assert.Equal(ClusterScanStatus.Scanned, assessments["aks-00004"].Status);
        Assert.NotEmpty(assessments["aks-00004"].InvisibleKinds);
        foreach (var name in new[] { "aks-00000", "aks-00001", "aks-00004" })
        {
            var plan = simulator.Fleet.Cluster(simulator.Fleet.IndexOf(name));
            Assert.Equal(plan.NamespacesWithoutNetworkPolicy, assessments[name].Namespaces.Where(n => !n.HasPolicy).Select(n => n.Name).Order(StringComparer.Ordinal));
            Assert.Equal(plan.PodCount, assessments[name].PodCount);
        }

        Assert.Equal(0, simulator.Cluster("aks-00001")!.Traffic.Calls);
    }

    /// <summary>Private clusters go through runCommand only; a live read would be a test bug.</summary>
    private sealed class NoLiveReads : IKubernetesClusterReader
    {
        public Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no live read expected in this test");
    }

    /// <summary>The live read the Azure collector delegates to, done by the Kubernetes collector (our own seam).</summary>
    private sealed class LiveReader(KubernetesSnapshotCollector collector) : IKubernetesClusterReader
    {
        public Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken) =>
            collector.CollectAsync(configuration, identity, AccessPath.AksEntraToken, cancellationToken);
    }
}
