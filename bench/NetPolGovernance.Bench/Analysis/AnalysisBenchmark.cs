using System.Globalization;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Bench.Harness;

namespace NetPolGovernance.Bench.Analysis;

/// <summary>
/// Analysis of a generated snapshot: full size is 20,000 pods / 2,000 policies / 200 namespaces
/// (target: ≤ 200 ms on one core; the analysis is single-threaded). Smoke size is tiny.
/// </summary>
internal static class AnalysisBenchmark
{
    public const double TargetMs = 200;

    public static int Run(bool smoke, TextWriter output)
    {
        var (namespaces, podsPerNamespace, policiesPerNamespace, warmup, iterations) = smoke ? (4, 10, 10, 1, 3) : (200, 100, 10, 3, 15);
        var snapshot = AnalysisWorkload.Generate(namespaces, podsPerNamespace, policiesPerNamespace);
        var options = new AnalysisOptions { Now = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), Profile = ComplianceProfile.Strict };
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"analyze {snapshot.Pods.Count} pods/{snapshot.NetworkPolicies.Count} np/{snapshot.Namespaces.Count} ns");

        var assessment = SnapshotAnalyzer.Analyze(snapshot, options);
        var measurement = StopwatchHarness.Measure(name, () => SnapshotAnalyzer.Analyze(snapshot, options), warmup, iterations);

        StopwatchHarness.PrintTable(output, "Analysis (single thread)", [(measurement, smoke ? "smoke" : $"<= {TargetMs} ms")]);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"namespaces {assessment.Namespaces.Count}, compliant {assessment.CompliantNamespaceCount}, findings {assessment.Namespaces.Sum(n => n.Findings.Count) + assessment.ClusterFindings.Count}, CRD objects {snapshot.CiliumPolicies.Count + snapshot.CalicoPolicies.Count + snapshot.AdminPolicies.Count}"));
        if (!smoke && measurement.MedianMs > TargetMs)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MISSED TARGET: median {measurement.MedianMs:F1} ms > {TargetMs} ms"));
        }

        return assessment.Namespaces.Count == snapshot.Namespaces.Count ? 0 : 1;
    }
}
