using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// A cluster to scan, as an inventory found it. <see cref="SkipReason"/> set means "report Skipped, do not collect".
/// <see cref="AccessHints"/> carries source-specific data for the collector (never secrets).
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

    /// <summary>Non-secret facts the collector needs, e.g. <c>privateCluster=true</c>, <c>aadEnabled=true</c>, <c>fqdn=...</c>.</summary>
    public IReadOnlyDictionary<string, string> AccessHints { get; init; } = new Dictionary<string, string>();
}
