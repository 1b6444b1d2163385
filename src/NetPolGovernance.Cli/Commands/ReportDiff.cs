using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Diff;
using NetPolGovernance.Cli.Scanning;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>diff --base-report FILE --head-report FILE</c>: the delta between two JSON scan reports (docs/report.md), per
/// cluster and namespace: compliance changes and failing in-profile findings added or fixed. A report holds no pods
/// or policy specs, so connections are not compared (use manifests for that); the gate is a regression instead
/// (docs/diff.md). Clusters are matched by name; a namespace is written <c>cluster/namespace</c> when either report has
/// more than one cluster; a report of one cluster is compared with a report of one cluster whatever their names.
/// </summary>
internal static class ReportDiff
{
    public static ReportDiffResult Compute(JsonDocument baseReport, string basePath, JsonDocument headReport, string headPath)
    {
        ArgumentNullException.ThrowIfNull(baseReport);
        ArgumentNullException.ThrowIfNull(headReport);
        var before = Read(baseReport, basePath);
        var after = Read(headReport, headPath);
        var qualify = before.Count > 1 || after.Count > 1;
        var notes = new List<string>();
        if (before.Count == 1 && after.Count == 1 && before.Keys.Single() is var baseName && after.Keys.Single() is var headName && baseName != headName)
        {
            // One cluster on each side (two folders of manifests are named after their folders): compare them.
            notes.Add($"comparing cluster {baseName} (base) with cluster {headName} (head)");
            before = new Dictionary<string, ClusterSide>(StringComparer.Ordinal) { [headName] = before[baseName] };
        }

        var changes = new List<ComplianceChange>();
        var added = new List<DiffFinding>();
        var fixedFindings = new List<DiffFinding>();
        foreach (var (cluster, head) in after.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(cluster, out var old))
            {
                notes.Add($"cluster {cluster} is only in the head report");
                continue;
            }

            foreach (var (ns, status) in head.Statuses.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                if (old.Statuses.TryGetValue(ns, out var was) && was != status)
                {
                    changes.Add(new ComplianceChange(qualify ? $"{cluster}/{ns}" : ns, was, status));
                }
            }

            added.AddRange(head.Failing.Except(old.Failing).Select(f => Qualified(f, cluster, qualify)));
            fixedFindings.AddRange(old.Failing.Except(head.Failing).Select(f => Qualified(f, cluster, qualify)));
        }

        notes.AddRange(before.Keys.Where(c => !after.ContainsKey(c)).Order(StringComparer.Ordinal).Select(c => $"cluster {c} is only in the base report"));
        var report = new DiffReport
        {
            ComplianceChanges = changes,
            FindingsAdded = [.. added.OrderBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Namespace, StringComparer.Ordinal)],
            FindingsFixed = [.. fixedFindings.OrderBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Namespace, StringComparer.Ordinal)],
        };
        return new ReportDiffResult(report, notes);
    }

    /// <summary>The gate on reports: a namespace that was Compliant and is NonCompliant or Unenforced in the head.</summary>
    public static bool Regresses(DiffReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.ComplianceChanges.Any(c => c.Before == NamespaceStatus.Compliant && c.After is NamespaceStatus.NonCompliant or NamespaceStatus.Unenforced);
    }

    private static DiffFinding Qualified(DiffFinding finding, string cluster, bool qualify) =>
        qualify ? finding with { Namespace = finding.Namespace is null ? cluster : $"{cluster}/{finding.Namespace}" } : finding;

    private static Dictionary<string, ClusterSide> Read(JsonDocument report, string path)
    {
        if (report.RootElement.ValueKind != JsonValueKind.Object
            || !report.RootElement.TryGetProperty("clusters", out var clusters)
            || clusters.ValueKind != JsonValueKind.Array)
        {
            throw new ScanInputException($"{path}: not a netpolgov JSON report (no 'clusters' array; write one with scan --format json)");
        }

        var result = new Dictionary<string, ClusterSide>(StringComparer.Ordinal);
        foreach (var cluster in clusters.EnumerateArray())
        {
            var name = Text(cluster, "name") ?? throw new ScanInputException($"{path}: a cluster without a name");
            var statuses = new Dictionary<string, NamespaceStatus>(StringComparer.Ordinal);
            var failing = new HashSet<DiffFinding>();
            AddFailing(failing, cluster, null);
            if (cluster.TryGetProperty("namespaces", out var namespaces) && namespaces.ValueKind == JsonValueKind.Array)
            {
                foreach (var ns in namespaces.EnumerateArray())
                {
                    var nsName = Text(ns, "name") ?? throw new ScanInputException($"{path}: cluster {name}: a namespace without a name");
                    if (!Enum.TryParse<NamespaceStatus>(Text(ns, "status"), ignoreCase: false, out var status))
                    {
                        throw new ScanInputException($"{path}: cluster {name}, namespace {nsName}: unknown status '{Text(ns, "status")}'");
                    }

                    statuses[nsName] = status;
                    AddFailing(failing, ns, nsName);
                }
            }

            result[name] = new ClusterSide(statuses, failing);
        }

        return result;
    }

    private static void AddFailing(HashSet<DiffFinding> failing, JsonElement owner, string? ns)
    {
        if (!owner.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var finding in findings.EnumerateArray())
        {
            if (Text(finding, "result") != "Fail"
                || !finding.TryGetProperty("inProfile", out var inProfile) || inProfile.ValueKind != JsonValueKind.True
                || !Enum.TryParse<Severity>(Text(finding, "severity"), ignoreCase: false, out var severity))
            {
                continue;
            }

            failing.Add(new DiffFinding(Text(finding, "checkId") ?? "?", Text(finding, "namespace") ?? ns, severity, Text(finding, "title") ?? string.Empty));
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record ClusterSide(Dictionary<string, NamespaceStatus> Statuses, HashSet<DiffFinding> Failing);
}

/// <summary>What <see cref="ReportDiff.Compute"/> found, and what it could not compare.</summary>
internal sealed record ReportDiffResult(DiffReport Report, IReadOnlyList<string> Notes);
