using System.Text.Json.Serialization.Metadata;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>The Log Analytics column types this schema uses.</summary>
public enum LogAnalyticsColumnType
{
    String,
    Int,
    Long,
    Real,
    Boolean,
    DateTime,
    Dynamic,
}

/// <summary>A column: its name and type, with the spellings each consumer expects.</summary>
public sealed record LogAnalyticsColumn(string Name, LogAnalyticsColumnType Type)
{
    /// <summary>The type as a DCR stream declaration spells it (<c>datetime</c>, <c>boolean</c>, ...).</summary>
    public string DcrType => Type switch
    {
        LogAnalyticsColumnType.DateTime => "datetime",
        _ => Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The type as a workspace table schema spells it (<c>dateTime</c>, <c>boolean</c>, ...).</summary>
    public string TableType => Type switch
    {
        LogAnalyticsColumnType.DateTime => "dateTime",
        _ => Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The KQL scalar type (<c>datetime</c>, <c>bool</c>, ...).</summary>
    public string KqlType => Type switch
    {
        LogAnalyticsColumnType.Boolean => "bool",
        LogAnalyticsColumnType.DateTime => "datetime",
        _ => Type.ToString().ToLowerInvariant(),
    };
}

/// <summary>A custom table and the DCR stream that feeds it.</summary>
public sealed record LogAnalyticsTable(string Name, IReadOnlyList<LogAnalyticsColumn> Columns)
{
    /// <summary>The DCR stream declaration name, <c>Custom-&lt;Table&gt;</c>.</summary>
    public string StreamName => "Custom-" + Name;
}

/// <summary>
/// The Log Analytics schema, derived from the row types (<see cref="ClusterScanRow"/>, <see cref="NamespaceRow"/>,
/// <see cref="FindingRow"/>, <see cref="FlowRow"/>) so they stay the single source of truth.
/// </summary>
public static class LogAnalyticsSchema
{
    public const string ClusterScansTableName = "NetPolClusterScans_CL";
    public const string NamespacesTableName = "NetPolNamespaces_CL";
    public const string FindingsTableName = "NetPolFindings_CL";
    public const string FlowsTableName = "NetPolFlows_CL";

    public static LogAnalyticsTable ClusterScans { get; } =
        FromType(ClusterScansTableName, LogAnalyticsJsonContext.Default.ClusterScanRow);

    public static LogAnalyticsTable Namespaces { get; } =
        FromType(NamespacesTableName, LogAnalyticsJsonContext.Default.NamespaceRow);

    public static LogAnalyticsTable Findings { get; } =
        FromType(FindingsTableName, LogAnalyticsJsonContext.Default.FindingRow);

    public static LogAnalyticsTable Flows { get; } =
        FromType(FlowsTableName, LogAnalyticsJsonContext.Default.FlowRow);

    public static IReadOnlyList<LogAnalyticsTable> Tables { get; } = [ClusterScans, Namespaces, Findings, Flows];

    private static LogAnalyticsTable FromType(string tableName, JsonTypeInfo typeInfo) =>
        new(tableName, typeInfo.Properties.Select(p => new LogAnalyticsColumn(p.Name, ColumnType(p.PropertyType))).ToArray());

    private static LogAnalyticsColumnType ColumnType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(string) => LogAnalyticsColumnType.String,
            _ when underlying == typeof(int) => LogAnalyticsColumnType.Int,
            _ when underlying == typeof(long) => LogAnalyticsColumnType.Long,
            _ when underlying == typeof(double) => LogAnalyticsColumnType.Real,
            _ when underlying == typeof(bool) => LogAnalyticsColumnType.Boolean,
            _ when underlying == typeof(DateTimeOffset) => LogAnalyticsColumnType.DateTime,
            _ => LogAnalyticsColumnType.Dynamic,
        };
    }
}
