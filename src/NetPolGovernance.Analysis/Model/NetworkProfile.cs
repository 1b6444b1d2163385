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

    /// <summary>AKS Advanced Container Networking Services (<c>networkProfile.advancedNetworking</c>); null when ARM did not report it.</summary>
    public AdvancedNetworking? AdvancedNetworking { get; init; }
}

/// <summary>
/// <c>networkProfile.advancedNetworking</c> (ACNS, api-version 2025-10-01): <c>enabled</c>,
/// <c>observability.enabled</c>, <c>security.enabled</c> and <c>security.advancedNetworkPolicies</c>
/// (<c>L7</c>, <c>FQDN</c> or <c>None</c>; the service defaults to <c>FQDN</c> when security is enabled). On AKS,
/// Cilium enforces FQDN (<c>toFQDNs</c>) and L7 (<c>toPorts[].rules</c>) rules only with ACNS security.
/// </summary>
public sealed record AdvancedNetworking
{
    public bool Enabled { get; init; }

    public bool ObservabilityEnabled { get; init; }

    public bool SecurityEnabled { get; init; }

    /// <summary>As written; null when not set.</summary>
    public string? AdvancedNetworkPolicies { get; init; }

    /// <summary>FQDN rules are enforced: ACNS security is on with <c>FQDN</c>, <c>L7</c> or the default.</summary>
    public bool FqdnPoliciesEnforced => Enabled && SecurityEnabled && !IsNone && (Policies is null or "L7" or "FQDN");

    /// <summary>L7 rules are enforced: ACNS security is on with <c>L7</c>.</summary>
    public bool L7PoliciesEnforced => Enabled && SecurityEnabled && Policies == "L7";

    private string? Policies => AdvancedNetworkPolicies?.Trim().ToUpperInvariant() is { Length: > 0 } p ? p : null;

    private bool IsNone => Policies == "NONE";
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
