using System.Buffers;
using System.Text.Json;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Integration.Tests.Fleet;

public sealed class SimulatedFleetTests
{
    [Fact]
    public void Cluster_SameSeed_SamePlanAndSamePodBytes()
    {
        var options = new FleetSimulationOptions { Seed = 7, Clusters = 50, NamespacesPerCluster = 12, PodsPerNamespace = 30 };

        var first = new SimulatedFleet(options);
        var second = new SimulatedFleet(options);

        for (var i = 0; i < options.Clusters; i++)
        {
            var a = first.Cluster(i);
            var b = second.Cluster(i);
            Assert.Equal(Describe(a), Describe(b));
            Assert.Equal(Render(new SimulatedClusterObjects(a, options.Seed)), Render(new SimulatedClusterObjects(b, options.Seed)));
        }
    }

    [Fact]
    public void Drift_Planned_OneChangePerKindInDistinctNamespacesOfClustersThatFollowTheirPolicies()
    {
        var options = new FleetSimulationOptions { Seed = 8, Clusters = 40, NamespacesPerCluster = 10, PodsPerNamespace = 6, FaultRate = 0.2 };
        var generated = new SimulatedFleet(options);
        var drifted = new SimulatedFleet(options with { Drifted = true });

        var changes = generated.Drift.Changes;

        Assert.Equal(Enum.GetValues<DriftChangeKind>(), changes.Select(c => c.Kind));
        Assert.Equal(changes, drifted.Drift.Changes);
        Assert.Equal(changes, new SimulatedFleet(options).Drift.Changes);
        Assert.Equal(changes.Count, changes.Select(c => (c.Cluster, c.Namespace)).Distinct().Count());
        Assert.All(changes, c => Assert.True(
            generated.Cluster(generated.IndexOf(c.Cluster)) is { Stopped: false, Private: false, Fault: SimulatedFault.None, EngineReady: true, EnforcesPolicies: true } plan
                && plan.Engine != SimulatedEngine.None,
            c.ToString()));
        var touched = changes.Select(c => c.Cluster).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Clusters; i++)
        {
            var (before, after) = (generated.Cluster(i), drifted.Cluster(i));
            if (!touched.Contains(before.Name))
            {
                Assert.Equal(Describe(before), Describe(after));
                continue;
            }

            var added = changes.Where(c => c.Cluster == before.Name && c.Kind == DriftChangeKind.NamespaceAdded).Select(c => c.Namespace).ToList();
            Assert.Equal(before.Namespaces.Select(n => n.Name).Concat(added).Order(StringComparer.Ordinal), after.Namespaces.Select(n => n.Name));
            Assert.Equal(before.PodCount + (added.Count * generated.Drift.NewNamespacePods), after.PodCount);
            var objects = new SimulatedClusterObjects(after, options.Seed);
            var pods = Enumerable.Range(0, objects.PodCount).Select(objects.Pod).ToList();
            Assert.All(after.Namespaces, n => Assert.Equal(n.PodCount, pods.Count(p => p.Namespace == n.Name)));
        }

        var renamed = changes.Single(c => c.Kind == DriftChangeKind.PolicyRenamed);
        Assert.Equal(PlannedDriftEvent.None, renamed.Event);
        var policies = new SimulatedClusterObjects(drifted.Cluster(drifted.IndexOf(renamed.Cluster)), options.Seed).SmallObjects()
            .Where(o => o["kind"]!.GetValue<string>() == "NetworkPolicy" && o["metadata"]!["namespace"]?.GetValue<string>() == renamed.Namespace)
            .Select(o => o["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(["allow-api-from-namespace", "allow-dns-egress", "default-deny"], policies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Cluster_OtherSeed_DifferentFleet()
    {
        var first = new SimulatedFleet(new FleetSimulationOptions { Seed = 1, Clusters = 20 });
        var second = new SimulatedFleet(new FleetSimulationOptions { Seed = 2, Clusters = 20 });

        Assert.NotEqual(first.Clusters.Select(Describe), second.Clusters.Select(Describe));
    }

    [Fact]
    public void Cluster_PodTotal_IsNamespacesTimesMeanPods()
    {
        var fleet = new SimulatedFleet(new FleetSimulationOptions { Seed = 3, Clusters = 30, NamespacesPerCluster = 50, PodsPerNamespace = 500 });

        foreach (var plan in fleet.Clusters)
        {
            Assert.Equal(plan.Namespaces.Count * 500, plan.PodCount);
            Assert.InRange(plan.Namespaces.Count, 40, 60);
            Assert.Equal(plan.Namespaces.Select(n => n.Name).Order(StringComparer.Ordinal), plan.Namespaces.Select(n => n.Name));
        }
    }

    [Fact]
    public void Pod_EveryIndex_ListedInNamespaceThenNameOrderWithUniqueNames()
    {
        var plan = new SimulatedFleet(new FleetSimulationOptions { Seed = 5, Clusters = 1, NamespacesPerCluster = 15, PodsPerNamespace = 40 }).Cluster(0);
        var objects = new SimulatedClusterObjects(plan, 5);

        var pods = Enumerable.Range(0, objects.PodCount).Select(objects.Pod).ToList();

        var keys = pods.Select(p => (p.Namespace, p.Name)).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.OrderBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal), keys);
        foreach (var ns in plan.Namespaces)
        {
            Assert.Equal(ns.PodCount, pods.Count(p => p.Namespace == ns.Name));
        }
    }

    [Fact]
    public void Clusters_LargeFleet_CoversEveryEngineStyleAndAccessKind()
    {
        var fleet = new SimulatedFleet(new FleetSimulationOptions { Seed = 11, Clusters = 400, FaultRate = 0.1 });

        var plans = fleet.Clusters.ToList();

        Assert.Equal(Enum.GetValues<SimulatedEngine>().Order(), plans.Select(p => p.Engine).Distinct().Order());
        Assert.Equal(Enum.GetValues<PolicyStyle>().Order(), plans.SelectMany(p => p.Namespaces).Select(n => n.Style).Distinct().Order());
        Assert.Equal(Enum.GetValues<SimulatedFault>().Order(), plans.Select(p => p.Fault).Distinct().Order());
        Assert.Contains(plans, p => p.Private);
        Assert.Contains(plans, p => p.Stopped);
        Assert.Contains(plans, p => !p.EngineReady);
    }

    [Fact]
    public void Cluster_Override_PinsPrivateStoppedAndFault()
    {
        var fleet = new SimulatedFleet(new FleetSimulationOptions
        {
            Clusters = 3,
            PrivateRate = 0,
            StoppedRate = 0,
            Overrides = new Dictionary<int, ClusterOverride>
            {
                [0] = new() { Private = true },
                [1] = new() { Stopped = true },
                [2] = new() { Fault = SimulatedFault.Unauthorized, Engine = SimulatedEngine.Cilium },
            },
        });

        Assert.True(fleet.Cluster(0).Private);
        Assert.True(fleet.Cluster(1).Stopped);
        Assert.Equal((SimulatedFault.Unauthorized, SimulatedEngine.Cilium), (fleet.Cluster(2).Fault, fleet.Cluster(2).Engine));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5, 0)]
    public void Constructor_OptionOutOfRange_ThrowsNamingTheOption(int clusters, int namespaces)
    {
        var options = new FleetSimulationOptions { Clusters = clusters, NamespacesPerCluster = namespaces };

        var error = Assert.Throws<ArgumentException>(() => new SimulatedFleet(options));

        Assert.Contains(clusters == 0 ? "Clusters" : "NamespacesPerCluster", error.Message, StringComparison.Ordinal);
    }

    private static string Describe(SimulatedClusterPlan plan) =>
        $"{plan.Name} {plan.Engine} {plan.EngineReady} {plan.Private} {plan.Stopped} {plan.Fault} {plan.Location} " +
        string.Join(',', plan.Namespaces.Select(n => $"{n.Name}:{n.Style}:{n.PodCount}:{n.Workloads}"));

    private static string Render(SimulatedClusterObjects objects)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var obj in objects.SmallObjects())
            {
                obj.WriteTo(writer);
            }

            for (var i = 0; i < objects.PodCount; i++)
            {
                objects.WritePod(writer, i, metadataOnly: i % 2 == 0, resourceVersion: 42);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
