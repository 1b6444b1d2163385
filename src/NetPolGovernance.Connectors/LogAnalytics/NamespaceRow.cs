namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>One row of <c>NetPolNamespaces_CL</c>: one per namespace per scan. Compliance percentages come from here.</summary>
public sealed record NamespaceRow
{
    public required DateTimeOffset TimeGenerated { get; init; }

    /// <summary>Deterministic: scan + cluster + namespace.</summary>
    public required string RowId { get; init; }

    public required string ScanId { get; init; }

    public string? SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public required string ClusterName { get; init; }

    public string? ClusterResourceId { get; init; }

    public required string Namespace { get; init; }

    public bool IsSystem { get; init; }

    public string? Owner { get; init; }

    /// <summary>Where <see cref="Owner"/> came from: <c>annotation:KEY</c>, <c>label:KEY</c>, <c>managed-namespace-tag:KEY</c>, <c>cluster-tag:KEY</c> or <c>exemption</c>.</summary>
    public string? OwnerSource { get; init; }

    /// <summary><c>Unknown</c>, <c>Exempt</c>, <c>Unenforced</c>, <c>NonCompliant</c> or <c>Compliant</c>.</summary>
    public required string Status { get; init; }

    public required string Profile { get; init; }

    public bool HasPolicy { get; init; }

    public bool HasAnyPolicy { get; init; }

    public int PodCount { get; init; }

    public int IngressIsolatedPodCount { get; init; }

    public int EgressIsolatedPodCount { get; init; }

    public bool DefaultDenyIngress { get; init; }

    public bool DefaultDenyEgress { get; init; }

    public bool AllowAllIngress { get; init; }

    public bool AllowAllEgress { get; init; }

    public int DeadPolicyCount { get; init; }

    /// <summary>Names of the policies that apply to the namespace (dynamic array).</summary>
    public IReadOnlyList<string> PolicyNames { get; init; } = [];

    /// <summary>Identifies the applying policy set by content; a change between two scans is drift (docs/log-analytics.md).</summary>
    public string? PolicySetHash { get; init; }

    /// <summary>Check ids that fail in the active profile (dynamic array); empty when compliant.</summary>
    public IReadOnlyList<string> FailingChecks { get; init; } = [];
}
