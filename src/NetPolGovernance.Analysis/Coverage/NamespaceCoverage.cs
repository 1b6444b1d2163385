using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// Any-kind coverage of one namespace (docs/semantics.md §9), counting CRD kinds only
/// where the engine may enforce them (<see cref="EngineState.Counts"/>).
/// </summary>
internal sealed record NamespaceCoverage
{
    /// <summary>A counted namespaced policy exists: NetworkPolicy, CiliumNetworkPolicy or Calico NetworkPolicy.</summary>
    public required bool HasAnyPolicy { get; init; }

    public required IReadOnlyList<string> IngressCoveredPods { get; init; }

    public required IReadOnlyList<string> EgressCoveredPods { get; init; }

    /// <summary>
    /// Selectable pods isolated for ingress by a NetworkPolicy or by a counted CRD policy that isolates
    /// (<see cref="ICoverageSubject.Isolates"/>): the any-kind counterpart of <see cref="NamespaceFacts.IngressIsolatedPods"/>.
    /// </summary>
    public required IReadOnlyList<string> IngressIsolatedPods { get; init; }

    public required IReadOnlyList<string> EgressIsolatedPods { get; init; }

    /// <summary>Selectable pods covered in neither list for that direction.</summary>
    public required IReadOnlyList<string> IngressUncoveredPods { get; init; }

    public required IReadOnlyList<string> EgressUncoveredPods { get; init; }

    /// <summary>Every namespaced policy object of any kind in the namespace, counted or not.</summary>
    public required IReadOnlyList<PolicyRef> NamespacedPolicies { get; init; }

    /// <summary>Cluster-scoped counted objects that govern at least one pod of the namespace.</summary>
    public required IReadOnlyList<string> ClusterPoliciesGoverning { get; init; }

    /// <summary>Counted CRD policies that put every pod of the namespace in a deny-by-default ingress mode (see <see cref="ICoverageSubject.DefaultDenies"/>).</summary>
    public required IReadOnlyList<string> CrdDefaultDenyIngress { get; init; }

    public required IReadOnlyList<string> CrdDefaultDenyEgress { get; init; }

    /// <summary>Objects (namespaced, or cluster-scoped selecting pods here) of kinds the engine does not enforce.</summary>
    public required IReadOnlyList<string> UncountedPolicies { get; init; }

    public static NamespaceCoverage Compute(
        NamespaceView ns,
        IReadOnlyList<PodView> selectablePods,
        NamespaceFacts facts,
        IReadOnlyList<PolicyRef> networkPolicies,
        IReadOnlyList<ICoverageSubject> namespacedSubjects,
        IReadOnlyList<ICoverageSubject> clusterSubjects,
        EngineState engine)
    {
        var counted = new List<ICoverageSubject>();
        var uncounted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var subject in namespacedSubjects)
        {
            if (engine.Counts(subject.Kind))
            {
                counted.Add(subject);
            }
            else
            {
                uncounted.Add(new PolicyRef(subject.Kind, subject.Name, subject.Source).DisplayName);
            }
        }

        var countedNamespacedCount = counted.Count;
        counted.AddRange(clusterSubjects.Where(s => engine.Counts(s.Kind)));
        var uncountedCluster = clusterSubjects.Where(s => !engine.Counts(s.Kind)).ToList();

        var governing = new bool[counted.Count];
        var coverage = new PolicyDirection[selectablePods.Count];
        var isolation = new PolicyDirection[selectablePods.Count];
        const PolicyDirection both = PolicyDirection.Ingress | PolicyDirection.Egress;

        for (var p = 0; p < selectablePods.Count; p++)
        {
            var pod = selectablePods[p];
            var covered = facts.Isolation[p] & both;
            var isolated = covered;
            for (var i = 0; i < counted.Count; i++)
            {
                if (isolated != both)
                {
                    isolated |= counted[i].Isolates(pod);
                }

                var isCluster = i >= countedNamespacedCount;
                if (covered == both && !isCluster)
                {
                    continue;
                }

                var governs = counted[i].Governs(pod);
                covered |= governs;
                governing[i] |= governs != PolicyDirection.None;
            }

            foreach (var subject in uncountedCluster)
            {
                if (subject.Governs(pod) != PolicyDirection.None)
                {
                    uncounted.Add(new PolicyRef(subject.Kind, subject.Name, subject.Source).DisplayName);
                }
            }

            coverage[p] = covered;
            isolation[p] = isolated;
        }

        var pods = selectablePods.Select(p => p.Pod).ToList();
        var uncoveredFlags = coverage.Select(c => ~c & both).ToArray();

        var denyIngress = new SortedSet<string>(StringComparer.Ordinal);
        var denyEgress = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var subject in counted)
        {
            var denies = subject.DefaultDenies(ns);
            if (denies == PolicyDirection.None)
            {
                continue;
            }

            var name = new PolicyRef(subject.Kind, subject.Name, subject.Source).DisplayName;
            if ((denies & PolicyDirection.Ingress) != 0)
            {
                denyIngress.Add(name);
            }

            if ((denies & PolicyDirection.Egress) != 0)
            {
                denyEgress.Add(name);
            }
        }

        var governingCluster = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = countedNamespacedCount; i < counted.Count; i++)
        {
            if (governing[i])
            {
                governingCluster.Add(new PolicyRef(counted[i].Kind, counted[i].Name, counted[i].Source).DisplayName);
            }
        }

        var namespaced = networkPolicies
            .Concat(namespacedSubjects.Select(s => new PolicyRef(s.Kind, s.Name, s.Source)))
            .OrderBy(p => p.DisplayName, StringComparer.Ordinal)
            .ToList();

        return new NamespaceCoverage
        {
            HasAnyPolicy = networkPolicies.Count > 0 || countedNamespacedCount > 0,
            IngressCoveredPods = NamespaceFacts.PodsIn(pods, coverage, PolicyDirection.Ingress),
            EgressCoveredPods = NamespaceFacts.PodsIn(pods, coverage, PolicyDirection.Egress),
            IngressIsolatedPods = NamespaceFacts.PodsIn(pods, isolation, PolicyDirection.Ingress),
            EgressIsolatedPods = NamespaceFacts.PodsIn(pods, isolation, PolicyDirection.Egress),
            IngressUncoveredPods = NamespaceFacts.PodsIn(pods, uncoveredFlags, PolicyDirection.Ingress),
            EgressUncoveredPods = NamespaceFacts.PodsIn(pods, uncoveredFlags, PolicyDirection.Egress),
            NamespacedPolicies = namespaced,
            ClusterPoliciesGoverning = [.. governingCluster],
            UncountedPolicies = [.. uncounted],
            CrdDefaultDenyIngress = [.. denyIngress],
            CrdDefaultDenyEgress = [.. denyEgress],
        };
    }
}
