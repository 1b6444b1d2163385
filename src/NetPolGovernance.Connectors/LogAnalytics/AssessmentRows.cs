namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// The rows one cluster assessment produces: one cluster-scan row, its namespaces and its findings, and, when the scan
/// read flows, the runtime summary of the namespaces with traffic (<see cref="Flows"/>).
/// </summary>
public sealed record AssessmentRows(
    ClusterScanRow ClusterScan,
    IReadOnlyList<NamespaceRow> Namespaces,
    IReadOnlyList<FindingRow> Findings)
{
    /// <summary>The <c>NetPolFlows_CL</c> rows (<see cref="FlowRowMapper"/>); empty without flows.</summary>
    public IReadOnlyList<FlowRow> Flows { get; init; } = [];

    public int Count => 1 + Namespaces.Count + Findings.Count + Flows.Count;
}
