using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports.Json;

/// <summary>
/// <c>--format jsonl</c>: one JSON object per line — a <c>header</c> record, one <c>cluster</c> record per cluster as it
/// completes (completion order, not sorted: each record names its subscription and cluster), and a <c>summary</c>
/// record. Suits fleets and log shippers.
/// </summary>
internal sealed class JsonlReportFormat : IReportFormat
{
    public string Name => "jsonl";

    public IReadOnlyList<string> FileExtensions { get; } = [".jsonl", ".ndjson"];

    public bool StreamsInCompletionOrder => true;

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new JsonlReportWriter(target.Stream);
    }
}

internal sealed class JsonlReportWriter : IReportWriter
{
    private static readonly byte[] s_newLine = "\n"u8.ToArray();
    private readonly Stream _stream;

    public JsonlReportWriter(Stream stream)
    {
        _stream = stream;
    }

    public Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        return WriteAsync(
            new JsonlRecordDto { Type = "header", SchemaVersion = ReportSchema.Version, Tool = ReportMapper.Tool(header.Scan.ScannerVersion), Scan = ReportMapper.Scan(header) },
            cancellationToken);
    }

    public Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return WriteAsync(new JsonlRecordDto { Type = "cluster", SchemaVersion = ReportSchema.Version, Cluster = ReportMapper.Cluster(cluster) }, cancellationToken);
    }

    public Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return WriteAsync(new JsonlRecordDto { Type = "summary", SchemaVersion = ReportSchema.Version, Summary = ReportMapper.Summary(summary) }, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task WriteAsync(JsonlRecordDto record, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(_stream, record, ReportJsonContext.Default.JsonlRecordDto, cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync(s_newLine, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
