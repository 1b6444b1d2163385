using System.Text.Json;

namespace NetPolGovernance.Cli.Reports.Json;

/// <summary><c>--format json</c>: one JSON document, streamed cluster by cluster with <see cref="Utf8JsonWriter"/>.</summary>
internal sealed class JsonReportFormat : IReportFormat
{
    public string Name => "json";

    public IReadOnlyList<string> FileExtensions { get; } = [".json"];

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new JsonReportWriter(target.Stream);
    }
}

/// <summary>
/// Writes <c>{"schemaVersion", "tool", "scan", "clusters": [...], "summary"}</c>. Each cluster is serialized and flushed
/// as it arrives, so memory holds one cluster at a time.
/// </summary>
internal sealed class JsonReportWriter : IReportWriter
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;

    public JsonReportWriter(Stream stream)
    {
        _stream = stream;
        _writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
    }

    public async Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        _writer.WriteStartObject();
        _writer.WriteString("schemaVersion", ReportSchema.Version);
        _writer.WritePropertyName("tool");
        JsonSerializer.Serialize(_writer, ReportMapper.Tool(header.Scan.ScannerVersion), ReportJsonContext.Default.ToolDto);
        _writer.WritePropertyName("scan");
        JsonSerializer.Serialize(_writer, ReportMapper.Scan(header), ReportJsonContext.Default.ScanDto);
        _writer.WriteStartArray("clusters");
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteClusterAsync(Analysis.Assessment.ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        JsonSerializer.Serialize(_writer, ReportMapper.Cluster(cluster), ReportJsonContext.Default.ClusterDto);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _writer.WriteEndArray();
        _writer.WritePropertyName("summary");
        JsonSerializer.Serialize(_writer, ReportMapper.Summary(summary), ReportJsonContext.Default.SummaryDto);
        _writer.WriteEndObject();
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
