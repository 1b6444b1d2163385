using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Analysis.Diff;

/// <summary>What changed for one namespace between two consecutive scans of its cluster.</summary>
public enum DriftKind
{
    /// <summary>Compliant before, NonCompliant or Unenforced now (Unknown is not a regression: it was not read).</summary>
    Regressed,

    /// <summary>NonCompliant or Unenforced before, Compliant now.</summary>
    Recovered,

    /// <summary>The applying policy set changed by content (<see cref="NamespaceAssessment.PolicySetHash"/>), with no status change.</summary>
    PolicySetChanged,
}

/// <summary>One drift event: the namespace, its owner now, and both statuses and policy-set hashes.</summary>
public sealed record DriftEvent(
    DriftKind Kind,
    string Namespace,
    string? Owner,
    NamespaceStatus Before,
    NamespaceStatus After,
    string BeforeHash,
    string AfterHash);

/// <summary>
/// One namespace as one scan saw it: the columns of its <c>NetPolNamespaces_CL</c> row the drift rules read
/// (<see cref="PolicySetHash"/> empty where the row has none).
/// </summary>
public sealed record NamespaceScanState(
    string Namespace,
    string? Owner,
    NamespaceStatus Status,
    string PolicySetHash,
    bool IsSystem,
    bool HasAnyPolicy)
{
    public static NamespaceScanState Of(NamespaceAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return new NamespaceScanState(assessment.Name, assessment.Owner, assessment.Status, assessment.PolicySetHash, assessment.System, assessment.HasAnyPolicy);
    }
}

/// <summary>One scan of a cluster: its time (the <c>TimeGenerated</c> of its rows) and its namespaces (none when the cluster was Unknown).</summary>
public sealed record ClusterScanState(DateTimeOffset Time, IReadOnlyList<NamespaceScanState> Namespaces);

/// <summary>A namespace the <c>netpolgov-new-namespace-without-policy</c> alert fires for, and for how many hours (as KQL's <c>datetime_diff</c> counts them).</summary>
public sealed record NewNamespaceWithoutPolicy(string Namespace, string? Owner, long HoursWithoutPolicy);

/// <summary>
/// The drift between two scans of one cluster, by the rules the workbook's drift tile and the
/// <c>netpolgov-namespace-regressed</c> alert apply in KQL (infra/app): one event per namespace present in both
/// scans, Regressed and Recovered before PolicySetChanged. Namespaces only in one scan are not drift (the
/// new-namespace alert covers new ones: <see cref="NewWithoutPolicy"/>). Ordered by namespace.
/// </summary>
public static class NamespaceDrift
{
    /// <summary>The window the alert rules read (their <c>windowSize</c>, P2D).</summary>
    public static readonly TimeSpan AlertWindow = TimeSpan.FromDays(2);

    public static IReadOnlyList<DriftEvent> Between(ClusterAssessment before, ClusterAssessment after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Between(before.Namespaces.Select(NamespaceScanState.Of), after.Namespaces.Select(NamespaceScanState.Of));
    }

    /// <summary>The same rules on what two scans published (e.g. <c>NetPolNamespaces_CL</c> rows read back).</summary>
    public static IReadOnlyList<DriftEvent> Between(IEnumerable<NamespaceScanState> before, IEnumerable<NamespaceScanState> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var previous = before.ToDictionary(n => n.Namespace, StringComparer.Ordinal);
        var events = new List<DriftEvent>();
        foreach (var now in after.OrderBy(n => n.Namespace, StringComparer.Ordinal))
        {
            if (!previous.TryGetValue(now.Namespace, out var then))
            {
                continue;
            }

            DriftKind? kind = (then.Status, now.Status) switch
            {
                (NamespaceStatus.Compliant, NamespaceStatus.NonCompliant or NamespaceStatus.Unenforced) => DriftKind.Regressed,
                (NamespaceStatus.NonCompliant or NamespaceStatus.Unenforced, NamespaceStatus.Compliant) => DriftKind.Recovered,
                _ when then.PolicySetHash.Length > 0 && now.PolicySetHash.Length > 0
                    && !string.Equals(then.PolicySetHash, now.PolicySetHash, StringComparison.Ordinal) => DriftKind.PolicySetChanged,
                _ => null,
            };
            if (kind is { } k)
            {
                events.Add(new DriftEvent(k, now.Namespace, now.Owner, then.Status, now.Status, then.PolicySetHash, now.PolicySetHash));
            }
        }

        return events;
    }

    /// <summary>
    /// What <c>netpolgov-new-namespace-without-policy</c> fires for at <paramref name="now"/>, from the scans of one
    /// cluster (those in the alert's two-day window count): namespaces of the latest scan that are not system, not
    /// Exempt and have no policy of any kind, first seen after the cluster's first scan, whose hours since first seen
    /// exceed <paramref name="graceHours"/>. Hours are counted as <c>datetime_diff("hour", ...)</c> does: hour
    /// boundaries crossed. Ordered by namespace.
    /// </summary>
    public static IReadOnlyList<NewNamespaceWithoutPolicy> NewWithoutPolicy(IEnumerable<ClusterScanState> scans, DateTimeOffset now, int graceHours)
    {
        ArgumentNullException.ThrowIfNull(scans);
        var inWindow = scans.Where(s => s.Time > now - AlertWindow && s.Time <= now).OrderBy(s => s.Time).ToList();
        if (inWindow.Count == 0)
        {
            return [];
        }

        var clusterFirstSeen = inWindow[0].Time;
        var latest = inWindow[^1];
        var alerts = new List<NewNamespaceWithoutPolicy>();
        foreach (var ns in latest.Namespaces.OrderBy(n => n.Namespace, StringComparer.Ordinal))
        {
            if (ns.IsSystem || ns.Status == NamespaceStatus.Exempt || ns.HasAnyPolicy)
            {
                continue;
            }

            var firstSeen = inWindow.First(s => s.Namespaces.Any(n => n.Namespace == ns.Namespace)).Time;
            var hours = HourBoundariesBetween(firstSeen, now);
            if (firstSeen > clusterFirstSeen && hours > graceHours)
            {
                alerts.Add(new NewNamespaceWithoutPolicy(ns.Namespace, ns.Owner, hours));
            }
        }

        return alerts;
    }

    /// <summary>KQL's <c>datetime_diff("hour", to, from)</c>: hour boundaries crossed from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static long HourBoundariesBetween(DateTimeOffset from, DateTimeOffset to) =>
        (to.UtcTicks / TimeSpan.TicksPerHour) - (from.UtcTicks / TimeSpan.TicksPerHour);
}
