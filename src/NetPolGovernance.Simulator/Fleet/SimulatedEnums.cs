namespace NetPolGovernance.Simulator.Fleet;

/// <summary>The policy engine a simulated cluster is configured with in ARM (and runs, unless <see cref="SimulatedClusterPlan.EngineReady"/> is false).</summary>
public enum SimulatedEngine
{
    /// <summary><c>networkPolicy</c> absent: policies are stored but not enforced.</summary>
    None,
    Azure,
    Calico,
    Cilium,
}

/// <summary>How a simulated namespace is (or is not) protected.</summary>
public enum PolicyStyle
{
    /// <summary>No policy at all (the CIS failure).</summary>
    Missing,

    /// <summary>A default-deny policy for both directions plus an allow rule for the web pods.</summary>
    DefaultDeny,

    /// <summary>One policy whose ingress rule allows everything.</summary>
    AllowAll,

    /// <summary>One policy selecting a label no pod carries.</summary>
    Dead,

    /// <summary>A policy covering one workload only.</summary>
    Partial,

    /// <summary>No NetworkPolicy; a CiliumNetworkPolicy instead.</summary>
    CiliumCrd,

    /// <summary>No NetworkPolicy; a Calico (projectcalico.org/v3) NetworkPolicy instead.</summary>
    CalicoCrd,

    /// <summary>A platform namespace (kube-system and friends): no policy, exempt by default.</summary>
    System,
}

/// <summary>A fault injected into one simulated cluster's API server.</summary>
public enum SimulatedFault
{
    None,

    /// <summary>The first pod list answers 429 with Retry-After 1: a collector that honours it still scans the cluster.</summary>
    Throttled,

    /// <summary>Listing the cluster's CRD policy kind is forbidden (403): scanned, with that kind reported invisible.</summary>
    ForbiddenCrd,

    /// <summary>Every call answers 401 (an expired credential): the cluster is Unknown.</summary>
    Unauthorized,

    /// <summary>The first pod list page after the first is answered 410 Gone: the collector restarts the list.</summary>
    ExpiredContinue,
}

/// <summary>How a <see cref="PolicyStyle.DefaultDeny"/> namespace's policies differ from the style's after a planned drift.</summary>
public enum PolicyEdit
{
    None,

    /// <summary><c>default-deny-all</c> is deleted; the allow policies stay (ingress no longer denied by default).</summary>
    DefaultDenyRemoved,

    /// <summary><c>default-deny-all</c> is renamed <c>default-deny</c>, its spec unchanged.</summary>
    DefaultDenyRenamed,

    /// <summary><c>allow-api-from-namespace</c> also admits TCP 8443 (what it allows changes, the verdict does not).</summary>
    RulesChanged,
}
