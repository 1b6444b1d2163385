namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>One row of <c>NetPolFindings_CL</c>: one per failing, exempt or unknown check.</summary>
public sealed record FindingRow
{
    public required DateTimeOffset TimeGenerated { get; init; }

    /// <summary>Deterministic: scan + cluster + namespace + check.</summary>
    public required string RowId { get; init; }

    public required string ScanId { get; init; }

    public string? SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public required string ClusterName { get; init; }

    public string? ClusterResourceId { get; init; }

    /// <summary>Empty for cluster-level checks.</summary>
    public string? Namespace { get; init; }

    /// <summary>The namespace's owner (the cluster's owner for a cluster-level check); null when unknown.</summary>
    public string? Owner { get; init; }

    public required string CheckId { get; init; }

    /// <summary>The check's title. Not named <c>Title</c>: that is a reserved column name in custom Log Analytics tables.</summary>
    public required string CheckTitle { get; init; }

    public required string Severity { get; init; }

    /// <summary><c>Fail</c>, <c>Exempt</c> or <c>Unknown</c>.</summary>
    public required string Result { get; init; }

    /// <summary>True when the scan's profile counts this check towards NonCompliant.</summary>
    public bool InProfile { get; init; }

    public required string Message { get; init; }

    public string? Benchmark { get; init; }

    /// <summary>Machine-readable evidence (dynamic object of string arrays).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Evidence { get; init; }

    public string? Remediation { get; init; }

    public string? ExemptionReason { get; init; }

    public string? ExemptionOwner { get; init; }

    public DateTimeOffset? ExemptionExpiresOn { get; init; }
}
