using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// One row of <c>NetPolClusterScans_CL</c>: one per cluster per scan. The property names and CLR types are the
/// table's columns (see <see cref="LogAnalyticsSchema"/>); the Bicep tables, the DCR stream and every KQL query are
/// tested against this type.
/// </summary>
public sealed record ClusterScanRow
{
    public required DateTimeOffset TimeGenerated { get; init; }

    /// <summary>Deterministic: the same scan of the same cluster always has the same id (KQL de-duplication key).</summary>
    public required string RowId { get; init; }

    public required string ScanId { get; init; }

    public required string ScannerVersion { get; init; }

    public string? AzureTenantId { get; init; }

    public string? SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public required string ClusterName { get; init; }

    public string? ClusterResourceId { get; init; }

    /// <summary>The cluster's owner from its ARM tags (the owner keys); null when no tag names one.</summary>
    public string? Owner { get; init; }

    public string? Location { get; init; }

    public string? KubernetesVersion { get; init; }

    public string? NetworkPlugin { get; init; }

    public string? NetworkPluginMode { get; init; }

    public string? NetworkPolicy { get; init; }

    public string? NetworkDataplane { get; init; }

    /// <summary>The engine DaemonSets seen in the cluster (dynamic).</summary>
    public EngineEvidence? EngineEvidence { get; init; }

    public required string AccessPath { get; init; }

    /// <summary><c>Scanned</c>, <c>Unknown</c> or <c>Skipped</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why the cluster is Unknown or Skipped; null when scanned.</summary>
    public string? Error { get; init; }

    public required string Profile { get; init; }

    public int NamespaceCount { get; init; }

    public int CompliantNamespaceCount { get; init; }

    public int PodCount { get; init; }

    public int PolicyCount { get; init; }

    public int ApiCalls { get; init; }

    public long DurationMs { get; init; }
}
