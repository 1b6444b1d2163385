using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis;

/// <summary>
/// The analysis entry point: snapshot in, assessment out. Pure and deterministic: no I/O, no clock
/// (time comes in through <see cref="AnalysisOptions.Now"/>), the same input gives the same output.
/// </summary>
public static class SnapshotAnalyzer
{
    /// <summary>Assesses a cluster that was read: every namespace, every check.</summary>
    public static ClusterAssessment Analyze(
        ClusterSnapshot snapshot,
        AnalysisOptions options,
        AccessPath accessPath = AccessPath.Manifests,
        CollectionStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);
        throw new NotImplementedException("Filled in by the analysis engine work (issue 2).");
    }

    /// <summary>
    /// Assesses a cluster that could not be read (Unknown) or was not read on purpose (Skipped).
    /// Checks that need only the ARM profile still run; everything else is Unknown, never compliant.
    /// </summary>
    public static ClusterAssessment Unreadable(
        ClusterIdentity cluster,
        ClusterScanStatus status,
        string reason,
        AnalysisOptions options,
        ClusterNetworkProfile? networkProfile = null,
        AccessPath accessPath = AccessPath.None,
        CollectionStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        throw new NotImplementedException("Filled in by the analysis engine work (issue 2).");
    }
}
