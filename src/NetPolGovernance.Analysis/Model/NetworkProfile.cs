namespace NetPolGovernance.Analysis.Model;

/// <summary>
/// The cluster's network profile as ARM reports it (<c>properties.networkProfile</c>), plus node pool OS types.
/// Values are kept as ARM spells them (<c>azure</c>, <c>kubenet</c>, <c>none</c>, <c>calico</c>, <c>cilium</c>, ...).
/// A null property means ARM did not report it.
/// </summary>
public sealed record ClusterNetworkProfile
{
    public string? NetworkPlugin { get; init; }

    public string? NetworkPluginMode { get; init; }

    public string? NetworkPolicy { get; init; }

    public string? NetworkDataplane { get; init; }

    /// <summary>OS types of the node pools (<c>Linux</c>, <c>Windows</c>); empty when unknown.</summary>
    public IReadOnlyList<string> NodePoolOsTypes { get; init; } = [];
}

/// <summary>What the collector saw of policy engines running in the cluster.</summary>
public sealed record EngineEvidence
{
    /// <summary>The engine DaemonSets found (Azure NPM, Calico, Cilium, Antrea, kube-router, Weave Net).</summary>
    public IReadOnlyList<EngineDaemonSet> DaemonSets { get; init; } = [];

    /// <summary>Cilium's <c>enable-policy</c> setting (default, always, never) when read.</summary>
    public string? CiliumPolicyEnforcementMode { get; init; }

    /// <summary>True when the DaemonSet list itself could not be read (evidence unknown, not absent).</summary>
    public bool Unavailable { get; init; }

    public string? UnavailableReason { get; init; }
}

/// <summary>
/// An engine DaemonSet. <see cref="Engine"/> is <c>azure-npm</c>, <c>calico</c>, <c>cilium</c>, <c>antrea</c>,
/// <c>kube-router</c> or <c>weave-net</c>.
/// </summary>
public sealed record EngineDaemonSet(string Engine, string Namespace, string Name, int Desired, int Ready)
{
    public bool IsReady => Desired > 0 && Ready >= Desired;
}
