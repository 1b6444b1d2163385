using System.Collections.Concurrent;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Testing.Service;

/// <summary>Keeps every published assessment; counts one row per cluster, namespace and finding.</summary>
public sealed class RecordingAssessmentPublisher : IAssessmentPublisher
{
    private readonly ConcurrentQueue<(ScanContext Scan, ClusterAssessment Assessment)> _published = new();
    private int _calls;

    /// <summary>The first this-many calls throw <see cref="HttpRequestException"/>, as an unreachable endpoint does.</summary>
    public int FailFirst { get; init; }

    public IReadOnlyList<(ScanContext Scan, ClusterAssessment Assessment)> Published => [.. _published];

    public Task<PublishResult> PublishAsync(ScanContext scan, ClusterAssessment assessment, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _calls) <= FailFirst)
        {
            throw new HttpRequestException("the ingestion endpoint refused the connection");
        }

        _published.Enqueue((scan, assessment));
        var rows = 1 + assessment.Namespaces.Count + assessment.ClusterFindings.Count + assessment.Namespaces.Sum(n => n.Findings.Count);
        return Task.FromResult(new PublishResult(rows, 0, null));
    }
}
