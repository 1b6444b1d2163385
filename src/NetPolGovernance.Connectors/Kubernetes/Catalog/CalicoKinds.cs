namespace NetPolGovernance.Connectors.Kubernetes.Catalog;

/// <summary>The Calico policy kinds the reader keeps (staged variants included, with their kind: they are not enforced).</summary>
internal static class CalicoKinds
{
    public static bool IsPolicy(string kind) => kind is
        "NetworkPolicy" or "GlobalNetworkPolicy"
        or "StagedNetworkPolicy" or "StagedGlobalNetworkPolicy" or "StagedKubernetesNetworkPolicy";

    public static bool IsGlobal(string kind) => kind is "GlobalNetworkPolicy" or "StagedGlobalNetworkPolicy";
}
