using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// Proposes, for each namespace asked for (usually the noncompliant ones), the policy set of a profile; verifies
/// it with the reachability engine on the snapshot plus the plan; and previews the connections it would cut and
/// open. A plan never widens: its allows select only pods that no policy it leaves in place isolates in that
/// direction, and any connection between existing pods that would open fails the never-widen check, so the plan is
/// not proposed. Pure: the YAML comes back as text.
/// </summary>
public static class RemediationPlanner
{
    public static RemediationPlan Plan(ClusterSnapshot snapshot, IEnumerable<string> namespaces, RemediationProfile profile) =>
        Plan(snapshot, namespaces, profile, Propose);

    /// <summary>
    /// The <see cref="RemediationProfile.Observed"/> plan: per workload, allows for what <paramref name="traffic"/> saw
    /// forwarded, plus default deny and DNS; verified to keep every observed forwarded connection allowed today and to
    /// open nothing denied today; with a coverage confidence per workload.
    /// </summary>
    public static RemediationPlan PlanObserved(ClusterSnapshot snapshot, IEnumerable<string> namespaces, ObservedTraffic traffic)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        return Plan(snapshot, namespaces, RemediationProfile.Observed, Propose, traffic);
    }

    /// <summary>
    /// As <see cref="Plan(ClusterSnapshot, IEnumerable{string}, RemediationProfile)"/> with another way to propose
    /// the policies of one namespace (tests use it to check that verification stops a plan that widens).
    /// </summary>
    internal static RemediationPlan Plan(
        ClusterSnapshot snapshot,
        IEnumerable<string> namespaces,
        RemediationProfile profile,
        Func<ClusterSnapshot, string, RemediationProfile, IReadOnlyList<PodInfo>, IReadOnlyList<NetworkPolicy>> propose,
        ObservedTraffic? traffic = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(propose);
        var before = new ReachabilityEngine(snapshot);
        var proposals = new List<NamespaceRemediation>();
        foreach (var ns in namespaces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var notes = new List<string>();
            var policies = traffic is null ? propose(snapshot, ns, profile, before.Index.PodsIn(ns)) : ProposeObserved(snapshot, before.Index, ns, traffic, notes);
            proposals.Add(new NamespaceRemediation
            {
                Namespace = ns,
                Profile = profile,
                Policies = policies,
                Verification = PlanVerifier.Verify(snapshot, ns, profile, policies, traffic),
                Impact = [],
                Yaml = NetworkPolicyYaml.Write(policies, Header(ns, profile)),
                Notes = [.. notes.Distinct(StringComparer.Ordinal)],
                Coverage = traffic is null ? [] : ObservedCoverage.Of(before.Index, ns, traffic),
            });
        }

        // Never widen, checked on the plans applied together (a connection depends on both ends' namespaces): a plan
        // that opens a connection is withdrawn, and the rest are checked again without it.
        var candidates = proposals.Where(p => p.Verified).Select(p => p.Namespace).ToHashSet(StringComparer.Ordinal);
        var widening = new Dictionary<string, IReadOnlyList<OpenedConnection>>(StringComparer.Ordinal);
        var impact = new Impact([], []);
        while (candidates.Count > 0)
        {
            var applied = proposals.Where(p => candidates.Contains(p.Namespace)).Aggregate(snapshot, (s, p) => WithPlan(s, p.Namespace, p.Policies));
            impact = ImpactPreview.Compute(before, new ReachabilityEngine(applied), candidates);
            var offenders = candidates.Where(ns => impact.Opened.Any(c => Involves(c.From, c.To, ns))).ToList();
            if (offenders.Count == 0)
            {
                break;
            }

            foreach (var ns in offenders)
            {
                widening[ns] = [.. impact.Opened.Where(c => Involves(c.From, c.To, ns))];
                candidates.Remove(ns);
            }

            impact = new Impact([], []);
        }

        return new RemediationPlan
        {
            Profile = profile,
            Impact = impact.Lost,
            Opened = [.. widening.Values.SelectMany(c => c).Distinct().Order(OpenedOrder.Instance)],
            Namespaces =
            [
                .. proposals.Select(p =>
                {
                    var opened = widening.GetValueOrDefault(p.Namespace) ?? [];
                    var planned = p with
                    {
                        Verification = p.Verified || opened.Count > 0 ? [.. p.Verification, PlanVerifier.NeverWiden(opened)] : p.Verification,
                        Impact = [.. impact.Lost.Where(c => Involves(c.From, c.To, p.Namespace))],
                        Opened = opened,
                    };
                    return planned with { Platform = PlatformLint.Check(WithPlan(snapshot, p.Namespace, p.Policies), [p.Namespace]) };
                }),
            ],
        };
    }

    /// <summary>
    /// The profile's policies for one namespace, keeping its existing restrictions: the allows select only the pods
    /// that the policies the plan leaves in place do not isolate, per direction. A policy netpolgov created earlier
    /// under a name the plan uses is replaced, so it does not count (found by repeating until no such name is left).
    /// </summary>
    internal static IReadOnlyList<NetworkPolicy> Propose(ClusterSnapshot snapshot, string ns, RemediationProfile profile, IReadOnlyList<PodInfo> pods)
    {
        var inNamespace = snapshot.NetworkPolicies.Where(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal)).ToList();
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var kept = inNamespace.Where(p => !replaced.Contains(p.Name)).ToList();
            var plan = PolicyTemplates.For(profile, ns, pods, UnisolatedPods.Of(kept));
            var names = plan.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var more = kept.Where(p => PolicyTemplates.IsManaged(p.Labels) && names.Contains(p.Name)).Select(p => p.Name).ToList();
            if (more.Count == 0)
            {
                return plan;
            }

            replaced.UnionWith(more);
        }
    }

    /// <summary>
    /// The observed profile's policies for one namespace, with the same replacement rule as <see cref="Propose"/>: a
    /// policy netpolgov created earlier under a planned name is replaced, so it does not count as a restriction.
    /// </summary>
    private static IReadOnlyList<NetworkPolicy> ProposeObserved(ClusterSnapshot snapshot, SnapshotIndex index, string ns, ObservedTraffic traffic, List<string> notes)
    {
        var inNamespace = snapshot.NetworkPolicies.Where(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal)).ToList();
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            notes.Clear();
            var kept = inNamespace.Where(p => !replaced.Contains(p.Name)).ToList();
            var plan = ObservedPolicies.For(index, ns, traffic, UnisolatedPods.Of(kept), notes);
            var names = plan.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var more = kept.Where(p => PolicyTemplates.IsManaged(p.Labels) && names.Contains(p.Name)).Select(p => p.Name).ToList();
            if (more.Count == 0)
            {
                return plan;
            }

            replaced.UnionWith(more);
        }
    }

    /// <summary>The snapshot as it would be after applying the plan: the planned objects replace same-named ones.</summary>
    internal static ClusterSnapshot WithPlan(ClusterSnapshot snapshot, string ns, IReadOnlyList<NetworkPolicy> plan)
    {
        var planned = plan.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var kept = snapshot.NetworkPolicies.Where(p => !string.Equals(p.Namespace, ns, StringComparison.Ordinal) || !planned.Contains(p.Name));
        return snapshot with { NetworkPolicies = [.. kept, .. plan] };
    }

    private static string[] Header(string ns, RemediationProfile profile) =>
    [
        $"NetworkPolicies proposed by netpolgov for namespace {ns} (profile {profile.ToString().ToLowerInvariant()}).",
        "Every object is labelled app.kubernetes.io/managed-by: netpolgov. Review the impact preview before applying.",
        $"Backout: {PolicyTemplates.BackoutCommand(ns)}",
    ];

    private static bool Involves(string from, string to, string ns) => InNamespace(from, ns) || InNamespace(to, ns);

    private static bool InNamespace(string podKey, string ns) =>
        podKey.Length > ns.Length && podKey[ns.Length] == '/' && podKey.StartsWith(ns, StringComparison.Ordinal);
}

/// <summary>Orders opened connections by source, destination and traffic.</summary>
internal sealed class OpenedOrder : IComparer<OpenedConnection>
{
    public static OpenedOrder Instance { get; } = new();

    public int Compare(OpenedConnection? x, OpenedConnection? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var order = string.CompareOrdinal(x.From, y.From);
        order = order != 0 ? order : string.CompareOrdinal(x.To, y.To);
        return order != 0 ? order : string.CompareOrdinal(x.Traffic, y.Traffic);
    }
}
