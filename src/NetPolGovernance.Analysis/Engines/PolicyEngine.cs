namespace NetPolGovernance.Analysis.Engines;

/// <summary>The network policy engine a cluster runs, as far as the analysis can tell.</summary>
internal enum PolicyEngine
{
    /// <summary>Not known: no network profile and no readable in-cluster evidence (for example a manifests scan).</summary>
    Unknown,
    /// <summary>Known to enforce nothing (<c>networkPolicy: none</c> or absent, or a DaemonSet list with no engine in it).</summary>
    None,
    AzureNpm,
    Calico,
    Cilium,
    Antrea,
    KubeRouter,
    WeaveNet,
}
