using k8s;
using NetPolGovernance.Simulator.Fleet;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Fleet;

public sealed class FleetSimulatorTests
{
    private static readonly FleetSimulationOptions s_options = new()
    {
        Seed = 21,
        Clusters = 5,
        NamespacesPerCluster = 8,
        PodsPerNamespace = 30,
        PrivateRate = 0,
        StoppedRate = 0,
        Overrides = new Dictionary<int, ClusterOverride>
        {
            [1] = new() { Private = true },
            [2] = new() { Stopped = true },
            [3] = new() { Fault = SimulatedFault.Unauthorized },
        },
    };

    [Fact]
    public async Task ListPods_PagedAcrossTheGeneratedCluster_ReturnsEveryPlannedPodOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = await FleetSimulator.StartAsync(s_options, ct);
        var plan = simulator.Fleet.Cluster(0);
        var cluster = simulator.Cluster(plan.Name)!;
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        var names = new List<string>();
        string? next = null;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 37, continueParameter: next, cancellationToken: ct);
            names.AddRange(page.Items.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));
            next = page.Metadata.ContinueProperty;
        }
        while (next is not null);

        Assert.Equal(plan.PodCount, names.Count);
        Assert.Equal(plan.PodCount, names.Distinct().Count());
        Assert.Equal((plan.PodCount + 36) / 37, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task ListNetworkPolicies_InOneNamespace_MatchesThePlannedStyle()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = await FleetSimulator.StartAsync(s_options, ct);
        var plan = simulator.Fleet.Cluster(0);
        using var client = new KubeClient(simulator.Cluster(plan.Name)!.CreateClientConfiguration());

        foreach (var ns in plan.Namespaces)
        {
            var policies = await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(ns.Name, cancellationToken: ct);
            Assert.Equal(ns.HasNetworkPolicy, policies.Items.Count > 0);
        }
    }

    [Fact]
    public async Task Kubeconfig_StoppedAndPrivateClusters_AreNotContexts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = await FleetSimulator.StartAsync(s_options, ct);

        var kubeconfig = simulator.Kubeconfig();

        Assert.Contains("name: \"aks-00000\"", kubeconfig, StringComparison.Ordinal);
        Assert.DoesNotContain("aks-00001", kubeconfig, StringComparison.Ordinal);
        Assert.DoesNotContain("aks-00002", kubeconfig, StringComparison.Ordinal);
        Assert.Null(simulator.Cluster("aks-00002"));
    }

    [Fact]
    public async Task KubectlProcedure_AgainstSimulatedCluster_FindsThePlannedNamespacesWithoutPolicies()
    {
        var ct = TestContext.Current.CancellationToken;
        var kubectl = KubectlProcedure.FindKubectl();
        Assert.True(kubectl is not null, "kubectl is required (.ci/run installs Debian's kubernetes-client)");
        await using var simulator = await FleetSimulator.StartAsync(s_options, ct);
        using var temp = new TempDirectory();
        var kubeconfig = temp.Write("kubeconfig", simulator.Kubeconfig());
        var procedure = new KubectlProcedure(kubectl, kubeconfig, Path.Combine(temp.Path, "cache"));
        var plan = simulator.Fleet.Cluster(4);

        var result = await procedure.RunAsync(plan.Name, ct);

        Assert.Equal(plan.NamespacesWithoutNetworkPolicy, result.NamespacesWithoutPolicies);
        Assert.Equal(plan.Namespaces.Count, result.NamespaceCount);
        Assert.Equal(1 + plan.Namespaces.Count, result.KubectlInvocations);
    }
}
