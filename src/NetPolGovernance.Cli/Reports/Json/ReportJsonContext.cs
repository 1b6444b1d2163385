using System.Text.Json.Serialization;

namespace NetPolGovernance.Cli.Reports.Json;

/// <summary>Source-generated serialization of the report types: camelCase names, enums as strings, nulls written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HeaderDto))]
[JsonSerializable(typeof(ClusterDto))]
[JsonSerializable(typeof(SummaryDto))]
[JsonSerializable(typeof(JsonlRecordDto))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
