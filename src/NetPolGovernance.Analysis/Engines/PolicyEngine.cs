namespace NetPolGovernance.Analysis.Engines;

/// <summary>The network policy engine a cluster runs, as far as the analysis can tell.</summary>
internal enum PolicyEngine
{
    /// <summary>No network profile and no in-cluster evidence (for example a manifests scan).</summary>
    Unknown,
    /// <summary>Known to enforce nothing (<c>networkPolicy: none</c> or absent, or BYO CNI with no engine found).</summary>
    None,
    AzureNpm,
    Calico,
    Cilium,
}
