using System.Text.Json;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>Serializes rows to UTF-8 JSON objects (one per row), with the source-generated contract.</summary>
public static class RowSerializer
{
    public static byte[] Serialize(ClusterScanRow row) =>
        JsonSerializer.SerializeToUtf8Bytes(row, LogAnalyticsJsonContext.Default.ClusterScanRow);

    public static byte[] Serialize(NamespaceRow row) =>
        JsonSerializer.SerializeToUtf8Bytes(row, LogAnalyticsJsonContext.Default.NamespaceRow);

    public static byte[] Serialize(FindingRow row) =>
        JsonSerializer.SerializeToUtf8Bytes(row, LogAnalyticsJsonContext.Default.FindingRow);

    public static byte[] Serialize(FlowRow row) =>
        JsonSerializer.SerializeToUtf8Bytes(row, LogAnalyticsJsonContext.Default.FlowRow);

    /// <summary>The rows of one assessment, serialized and grouped by the table they go to.</summary>
    public static IReadOnlyList<TableRows> Serialize(AssessmentRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return
        [
            new TableRows(LogAnalyticsSchema.ClusterScans, [Serialize(rows.ClusterScan)]),
            new TableRows(LogAnalyticsSchema.Namespaces, rows.Namespaces.Select(Serialize).ToArray()),
            new TableRows(LogAnalyticsSchema.Findings, rows.Findings.Select(Serialize).ToArray()),
            new TableRows(LogAnalyticsSchema.Flows, rows.Flows.Select(Serialize).ToArray()),
        ];
    }
}

/// <summary>Serialized rows (UTF-8 JSON objects) bound for one table.</summary>
public sealed record TableRows(LogAnalyticsTable Table, IReadOnlyList<byte[]> Rows);
