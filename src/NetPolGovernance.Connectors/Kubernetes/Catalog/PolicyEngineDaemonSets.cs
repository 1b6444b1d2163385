namespace NetPolGovernance.Connectors.Kubernetes.Catalog;

/// <summary>
/// The one catalog of policy-engine DaemonSets: a DaemonSet of one of these names, in any namespace, is evidence that
/// its engine runs in the cluster. The live collector reads the DaemonSet list with it; the runCommand script
/// (<c>Azure/Access/RunCommandScript</c>) is generated from it. Engines are named as the analysis names them
/// (<c>azure-npm</c>, <c>calico</c>, <c>cilium</c>).
/// </summary>
internal static class PolicyEngineDaemonSets
{
    /// <summary>The engine name of Cilium, whose ConfigMap says whether it enforces policy at all.</summary>
    public const string Cilium = "cilium";

    /// <summary>Cilium's ConfigMap, read in the namespace of its DaemonSet.</summary>
    public const string CiliumConfigMap = "cilium-config";

    /// <summary>The key of <see cref="CiliumConfigMap"/> holding the policy enforcement mode (<c>never</c> enforces nothing).</summary>
    public const string CiliumEnablePolicyKey = "enable-policy";

    /// <summary>DaemonSet name → engine.</summary>
    public static IReadOnlyDictionary<string, string> EngineByName { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["azure-npm"] = "azure-npm",
        ["calico-node"] = "calico",
        ["cilium"] = Cilium,
    };
}
