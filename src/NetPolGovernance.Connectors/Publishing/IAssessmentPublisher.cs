using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Connectors.Publishing;

/// <summary>Identifies one scan run; every row published for it carries these values.</summary>
/// <param name="ScanId">Unique per scan run; part of every deterministic RowId.</param>
/// <param name="StartedAt">UTC start of the scan (TimeGenerated of its rows).</param>
/// <param name="ScannerVersion">The scanner's version string.</param>
/// <param name="Profile">The compliance profile the scan judged with.</param>
public sealed record ScanContext(string ScanId, DateTimeOffset StartedAt, string ScannerVersion, ComplianceProfile Profile);

/// <summary>Publishes one cluster's assessment (its cluster, namespace and finding rows).</summary>
public interface IAssessmentPublisher
{
    Task<PublishResult> PublishAsync(ScanContext scan, ClusterAssessment assessment, CancellationToken cancellationToken);
}

/// <summary>Outcome of a publish: rows accepted, rows that failed after retries, and where those were kept.</summary>
public sealed record PublishResult(int RowsSent, int RowsFailed, string? DeadLetterLocation)
{
    public bool Succeeded => RowsFailed == 0;
}
