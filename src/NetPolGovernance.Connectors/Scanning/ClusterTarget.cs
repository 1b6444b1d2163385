using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// A cluster to scan, as an inventory found it. <see cref="SkipReason"/> set means "report Skipped, do not collect".
/// <see cref="Aks"/> carries how an AKS cluster can be reached (never secrets).
/// </summary>
public sealed record ClusterTarget
{
    public required ClusterIdentity Identity { get; init; }

    /// <summary>The ARM network profile, when the inventory knows it.</summary>
    public ClusterNetworkProfile? NetworkProfile { get; init; }

    public string? SkipReason { get; init; }

    /// <summary>
    /// Set when the inventory already knows the target cannot be read (for example a subscription whose clusters
    /// could not be listed): report Unknown with this reason, do not collect.
    /// </summary>
    public string? UnreadableReason { get; init; }

    /// <summary>How the AKS cluster can be reached, for targets from the Azure inventory; null for other sources.</summary>
    public AksAccess? Aks { get; init; }
}
