namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// One simulated cluster as the generator planned it: a few hundred bytes, from which its Kubernetes objects are
/// generated on demand (see <see cref="SimulatedClusterObjects"/>). Pods are never held here, only counted.
/// </summary>
public sealed record SimulatedClusterPlan
{
    public required int Index { get; init; }

    /// <summary>e.g. <c>aks-00042</c>; also the virtual cluster id and kubeconfig context name.</summary>
    public required string Name { get; init; }

    public required int SubscriptionIndex { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Location { get; init; }

    public required SimulatedEngine Engine { get; init; }

    /// <summary>False: ARM names an engine but its DaemonSet has no ready pods (NPG-C02).</summary>
    public bool EngineReady { get; init; } = true;

    public bool Private { get; init; }

    /// <summary>
    /// False for the one cluster of a fleet whose engine silently does not enforce (<see cref="SimulatedFleet.NonEnforcingCluster"/>):
    /// it looks healthy (ready DaemonSet, policies stored) but its flows show denied traffic forwarded (NPG-N13).
    /// </summary>
    public bool EnforcesPolicies { get; init; } = true;

    public bool Stopped { get; init; }

    public SimulatedFault Fault { get; init; }

    /// <summary>How the cluster's API server is hostile, if it is (<see cref="ClusterOverride.Hostile"/>).</summary>
    public Kubernetes.HostileBehaviour? Hostile { get; init; }

    /// <summary>Namespaces ordered by name (the order the API server lists them in).</summary>
    public required IReadOnlyList<NamespacePlan> Namespaces { get; init; }

    public int PodCount => Namespaces.Count == 0 ? 0 : Namespaces[^1].FirstPod + Namespaces[^1].PodCount;

    /// <summary>The CIS literal: namespaces with no <c>networking.k8s.io/v1</c> NetworkPolicy, ordered by name.</summary>
    public IEnumerable<string> NamespacesWithoutNetworkPolicy =>
        Namespaces.Where(n => !n.HasNetworkPolicy).Select(n => n.Name);
}

/// <summary>One namespace of a simulated cluster. <see cref="FirstPod"/> is the index of its first pod in the cluster-wide list.</summary>
public sealed record NamespacePlan(string Name, PolicyStyle Style, int PodCount, int FirstPod, int Workloads)
{
    /// <summary>How its policies differ from what its style generates (a planned drift, <see cref="SimulatedFleetDrift"/>).</summary>
    public PolicyEdit Edit { get; init; }

    public bool HasNetworkPolicy => Style is PolicyStyle.DefaultDeny or PolicyStyle.AllowAll or PolicyStyle.Dead or PolicyStyle.Partial;
}
