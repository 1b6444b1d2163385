namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>The rows one cluster assessment produces: one cluster-scan row, its namespaces and its findings.</summary>
public sealed record AssessmentRows(
    ClusterScanRow ClusterScan,
    IReadOnlyList<NamespaceRow> Namespaces,
    IReadOnlyList<FindingRow> Findings)
{
    public int Count => 1 + Namespaces.Count + Findings.Count;
}
