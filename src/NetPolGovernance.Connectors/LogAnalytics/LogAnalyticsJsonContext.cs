using System.Text.Json.Serialization;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Source-generated serialization of the row types. Property names are written as declared (PascalCase =
/// the column names); nulls are omitted (Log Analytics stores a missing column as empty).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(ClusterScanRow))]
[JsonSerializable(typeof(NamespaceRow))]
[JsonSerializable(typeof(FindingRow))]
[JsonSerializable(typeof(FlowRow))]
internal sealed partial class LogAnalyticsJsonContext : JsonSerializerContext;
