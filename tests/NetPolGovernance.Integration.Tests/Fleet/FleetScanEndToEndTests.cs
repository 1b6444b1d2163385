using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary><c>netpolgov scan --kubeconfig --all-contexts</c> through the real parser against a small simulated fleet.</summary>
public sealed class FleetScanEndToEndTests
{
    private static readonly FleetSimulationOptions s_options = new()
    {
        Seed = 4,
        Clusters = 7,
        NamespacesPerCluster = 8,
        PodsPerNamespace = 80,
        PrivateRate = 0,
        StoppedRate = 0,
        Overrides = new Dictionary<int, ClusterOverride>
        {
            // No Throttled cluster here: the CLI harness runs on a fake clock, so a Retry-After wait would never end.
            [1] = new() { Engine = SimulatedEngine.Calico },
            [2] = new() { Fault = SimulatedFault.ForbiddenCrd, Engine = SimulatedEngine.Cilium },
            [3] = new() { Fault = SimulatedFault.Unauthorized },
            [4] = new() { Fault = SimulatedFault.ExpiredContinue },
            [5] = new() { Private = true },
            [6] = new() { Stopped = true },
        },
    };

    [Fact]
    public async Task Scan_SimulatedFleet_StatusesCallCountsAndCisAnswerAsPlanned()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = await FleetSimulator.StartAsync(s_options, ct);
        using var dir = new TempDirectory();
        using var cli = new CliHarness();
        var kubeconfig = dir.Write("config", simulator.Kubeconfig());

        // Act
        var exitCode = await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--all-contexts", "--format", "json");

        // Assert
        Assert.Equal(ExitCodes.Incomplete, exitCode);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var clusters = report.RootElement.GetProperty("clusters").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["aks-00000", "aks-00001", "aks-00002", "aks-00003", "aks-00004"], clusters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Unknown", clusters["aks-00003"].GetProperty("status").GetString());
        foreach (var name in new[] { "aks-00000", "aks-00001", "aks-00002", "aks-00004" })
        {
            var cluster = clusters[name];
            var plan = simulator.Fleet.Cluster(simulator.Fleet.IndexOf(name));
            Assert.True(cluster.GetProperty("status").GetString() == "Scanned", $"{name}: {cluster.GetProperty("reason")}");
            Assert.Equal(simulator.Cluster(name)!.Traffic.Calls, cluster.GetProperty("stats").GetProperty("apiCalls").GetInt32());
            var without = cluster.GetProperty("namespaces").EnumerateArray()
                .Where(n => !n.GetProperty("hasPolicy").GetBoolean())
                .Select(n => n.GetProperty("name").GetString()!);
            Assert.Equal(plan.NamespacesWithoutNetworkPolicy, without.Order(StringComparer.Ordinal));
            Assert.Equal(plan.PodCount, cluster.GetProperty("podCount").GetInt32());
        }

        // The call budget: discovery + namespaces + policies + pods + DaemonSets, one per extra pod page, one per served
        // CRD policy kind (+ cilium-config where Cilium runs).
        var plain = simulator.Fleet.Cluster(0);
        var pageSize = new KubernetesCollectorOptions().PageSize;
        var extraPages = ((plain.PodCount + pageSize - 1) / pageSize) - 1;
        var crdKinds = plain.Engine switch { SimulatedEngine.Cilium => 2 + 1, SimulatedEngine.Calico => 4, _ => 0 };
        Assert.InRange(clusters["aks-00000"].GetProperty("stats").GetProperty("apiCalls").GetInt32(), 5 + extraPages, 5 + extraPages + crdKinds);
        Assert.NotEmpty(clusters["aks-00002"].GetProperty("invisibleKinds").EnumerateArray());
    }
}

/// <summary>The scan pipeline on the real clock (FleetScanner + kubeconfig source + live collector) against throttled clusters.</summary>
public sealed class FleetScanPipelineTests
{
    [Fact]
    public async Task ScanAsync_ThrottledCluster_WaitsForRetryAfterAndIsScanned()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var options = new FleetSimulationOptions
        {
            Seed = 9,
            Clusters = 2,
            NamespacesPerCluster = 6,
            PodsPerNamespace = 10,
            PrivateRate = 0,
            StoppedRate = 0,
            Overrides = new Dictionary<int, ClusterOverride> { [1] = new() { Fault = SimulatedFault.Throttled } },
        };
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        using var dir = new TempDirectory();
        var kubeconfig = await KubeconfigFile.LoadAsync([dir.Write("config", simulator.Kubeconfig())], ct);
        var collector = new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance);
        var source = new KubeconfigClusterSource(kubeconfig, ["aks-00000", "aks-00001"], collector);
        var scanner = new FleetScanner(source, NullLogger<FleetScanner>.Instance);

        // Act
        var assessments = new Dictionary<string, ClusterAssessment>();
        await foreach (var assessment in scanner.ScanAsync(source.ListAsync(ct), new AnalysisOptions { Now = CliHarness.Now }, new FleetScanOptions(), null, ct))
        {
            assessments[assessment.Cluster.Name] = assessment;
        }

        // Assert: one more call (the 429) than the same cluster would need unthrottled, and a complete answer.
        var throttled = assessments["aks-00001"];
        Assert.Equal(ClusterScanStatus.Scanned, throttled.Status);
        Assert.Equal(simulator.Cluster("aks-00001")!.Traffic.Calls, throttled.Stats.ApiCalls);
        Assert.Equal(simulator.Fleet.Cluster(1).PodCount, throttled.PodCount);
        Assert.Equal(
            simulator.Fleet.Cluster(1).NamespacesWithoutNetworkPolicy,
            throttled.Namespaces.Where(n => !n.HasPolicy).Select(n => n.Name).Order(StringComparer.Ordinal));
    }
}
