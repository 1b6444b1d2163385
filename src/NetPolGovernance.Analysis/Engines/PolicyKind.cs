namespace NetPolGovernance.Analysis.Engines;

/// <summary>The policy object kinds the analysis understands.</summary>
internal enum PolicyKind
{
    NetworkPolicy,
    CiliumNetworkPolicy,
    CiliumClusterwideNetworkPolicy,
    CalicoNetworkPolicy,
    CalicoGlobalNetworkPolicy,
    AdminNetworkPolicy,
    BaselineAdminNetworkPolicy,
}

/// <summary>Whether the running engine enforces a policy kind.</summary>
internal enum Enforcement
{
    NotEnforced,
    Enforced,
    /// <summary>The engine is unknown, or it may or may not implement the kind (e.g. AdminNetworkPolicy on Calico).</summary>
    Unknown,
}

/// <summary>Display names and API groups of <see cref="PolicyKind"/>.</summary>
internal static class PolicyKinds
{
    public static string DisplayName(PolicyKind kind) => kind switch
    {
        PolicyKind.NetworkPolicy => "NetworkPolicy",
        PolicyKind.CiliumNetworkPolicy => "CiliumNetworkPolicy",
        PolicyKind.CiliumClusterwideNetworkPolicy => "CiliumClusterwideNetworkPolicy",
        PolicyKind.CalicoNetworkPolicy => "CalicoNetworkPolicy",
        PolicyKind.CalicoGlobalNetworkPolicy => "CalicoGlobalNetworkPolicy",
        PolicyKind.AdminNetworkPolicy => "AdminNetworkPolicy",
        _ => "BaselineAdminNetworkPolicy",
    };

    /// <summary>Maps a collector's (apiGroup, kind) to a policy kind; null for kinds the analysis does not count.</summary>
    public static PolicyKind? FromApi(string apiGroup, string kind)
    {
        var group = apiGroup.Trim().ToUpperInvariant();
        return (group, kind.Trim()) switch
        {
            ("NETWORKING.K8S.IO", "NetworkPolicy") => PolicyKind.NetworkPolicy,
            ("CILIUM.IO", "CiliumNetworkPolicy") => PolicyKind.CiliumNetworkPolicy,
            ("CILIUM.IO", "CiliumClusterwideNetworkPolicy") => PolicyKind.CiliumClusterwideNetworkPolicy,
            ("PROJECTCALICO.ORG" or "CRD.PROJECTCALICO.ORG", "NetworkPolicy") => PolicyKind.CalicoNetworkPolicy,
            ("PROJECTCALICO.ORG" or "CRD.PROJECTCALICO.ORG", "GlobalNetworkPolicy") => PolicyKind.CalicoGlobalNetworkPolicy,
            ("POLICY.NETWORKING.K8S.IO", "AdminNetworkPolicy") => PolicyKind.AdminNetworkPolicy,
            ("POLICY.NETWORKING.K8S.IO", "BaselineAdminNetworkPolicy") => PolicyKind.BaselineAdminNetworkPolicy,

            // v1alpha2 ClusterNetworkPolicy: its Admin tier counts as ANP, its Baseline tier as BANP (AdminTiers does the
            // same); a kind that could not be read is counted with the Admin tier.
            ("POLICY.NETWORKING.K8S.IO", "ClusterNetworkPolicy") => PolicyKind.AdminNetworkPolicy,
            _ => null,
        };
    }
}
