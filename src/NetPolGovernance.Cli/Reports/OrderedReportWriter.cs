using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// Gives a writer its clusters in <see cref="ClusterOrder"/> instead of completion order: clusters are held until the
/// summary, then written sorted, so two runs over the same fleet write the same report whatever the concurrency. The
/// price is memory for the assessed clusters (not their snapshots) until the scan ends; formats that stream
/// (<see cref="IReportFormat.StreamsInCompletionOrder"/>) are not wrapped. The header is written at once.
/// </summary>
internal sealed class OrderedReportWriter : IReportWriter
{
    private readonly IReportWriter _inner;
    private readonly List<ClusterAssessment> _clusters = [];

    public OrderedReportWriter(IReportWriter inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    public Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken) => _inner.WriteHeaderAsync(header, cancellationToken);

    public Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _clusters.Add(cluster);
        return Task.CompletedTask;
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        // List.Sort is unstable; the comparer breaks ties down to the kubeconfig context, and equal keys are the same cluster.
        _clusters.Sort(ClusterOrder.Instance);
        foreach (var cluster in _clusters)
        {
            await _inner.WriteClusterAsync(ClusterOrder.WithOrderedNamespaces(cluster), cancellationToken).ConfigureAwait(false);
        }

        _clusters.Clear();
        await _inner.WriteSummaryAsync(summary, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
