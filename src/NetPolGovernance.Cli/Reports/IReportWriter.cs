using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// Writes a report: the header, then each cluster, then the summary. Writers never hold the whole fleet in memory;
/// the scan gives them clusters sorted (<see cref="OrderedReportWriter"/>) unless the format streams in completion
/// order. Disposing flushes.
/// </summary>
internal interface IReportWriter : IAsyncDisposable
{
    Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken);

    Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken);

    Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken);
}

/// <summary>
/// A report format selectable with <c>--format</c>. Register as <c>IReportFormat</c> in <see cref="CliServices"/>
/// to add one; the <c>--format</c> option lists every registered name.
/// </summary>
internal interface IReportFormat
{
    /// <summary>The <c>--format</c> value, lower case.</summary>
    string Name { get; }

    /// <summary>File extensions that select this format when <c>-o FILE</c> is given without <c>--format</c>.</summary>
    IReadOnlyList<string> FileExtensions { get; }

    /// <summary>
    /// True when the format writes each cluster as it completes (completion order); otherwise the scan hands it the
    /// clusters sorted by subscription, cluster and namespace (<see cref="ClusterOrder"/>) when the scan ends.
    /// </summary>
    bool StreamsInCompletionOrder => false;

    IReportWriter Create(ReportTarget target);
}
