namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>The DCR stream each table's rows are sent to. Defaults: <c>Custom-&lt;Table&gt;</c> as declared in infra/.</summary>
public sealed record LogAnalyticsStreamNames
{
    public string ClusterScans { get; init; } = LogAnalyticsSchema.ClusterScans.StreamName;

    public string Namespaces { get; init; } = LogAnalyticsSchema.Namespaces.StreamName;

    public string Findings { get; init; } = LogAnalyticsSchema.Findings.StreamName;

    public string Flows { get; init; } = LogAnalyticsSchema.Flows.StreamName;

    public string For(LogAnalyticsTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Name switch
        {
            LogAnalyticsSchema.ClusterScansTableName => ClusterScans,
            LogAnalyticsSchema.NamespacesTableName => Namespaces,
            LogAnalyticsSchema.FindingsTableName => Findings,
            LogAnalyticsSchema.FlowsTableName => Flows,
            _ => throw new ArgumentException($"No stream is configured for table {table.Name}.", nameof(table)),
        };
    }
}
