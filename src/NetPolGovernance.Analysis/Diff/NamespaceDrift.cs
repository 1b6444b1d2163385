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
/// The drift between two scans of one cluster, by the rules the workbook's drift tile and the
/// <c>netpolgov-namespace-regressed</c> alert apply in KQL (infra/app): one event per namespace present in both
/// scans, Regressed and Recovered before PolicySetChanged. Namespaces only in one scan are not drift (the
/// new-namespace alert covers new ones). Ordered by namespace.
/// </summary>
public static class NamespaceDrift
{
    public static IReadOnlyList<DriftEvent> Between(ClusterAssessment before, ClusterAssessment after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var previous = before.Namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var events = new List<DriftEvent>();
        foreach (var now in after.Namespaces.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (!previous.TryGetValue(now.Name, out var then))
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
                events.Add(new DriftEvent(k, now.Name, now.Owner, then.Status, now.Status, then.PolicySetHash, now.PolicySetHash));
            }
        }

        return events;
    }
}
