using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// Any-kind coverage of one namespace (netpol-semantics §9 "optional any-kind coverage"), counting CRD kinds only
/// where the engine may enforce them (<see cref="EngineState.Counts"/>).
/// </summary>
internal sealed record NamespaceCoverage
{
    /// <summary>A counted namespaced policy exists: NetworkPolicy, CiliumNetworkPolicy or Calico NetworkPolicy.</summary>
    public required bool HasAnyPolicy { get; init; }

    public required IReadOnlyList<string> IngressCoveredPods { get; init; }

    public required IReadOnlyList<string> EgressCoveredPods { get; init; }

    /// <summary>Selectable pods covered in neither list for that direction.</summary>
    public required IReadOnlyList<string> IngressUncoveredPods { get; init; }

    public required IReadOnlyList<string> EgressUncoveredPods { get; init; }

    /// <summary>Every namespaced policy object of any kind in the namespace, counted or not.</summary>
    public required IReadOnlyList<PolicyRef> NamespacedPolicies { get; init; }

    /// <summary>Cluster-scoped counted objects that govern at least one pod of the namespace.</summary>
    public required IReadOnlyList<string> ClusterPoliciesGoverning { get; init; }

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

        var ingressIsolated = new HashSet<string>(facts.IngressIsolatedPods, StringComparer.Ordinal);
        var egressIsolated = new HashSet<string>(facts.EgressIsolatedPods, StringComparer.Ordinal);
        var ingress = new SortedSet<string>(StringComparer.Ordinal);
        var egress = new SortedSet<string>(StringComparer.Ordinal);
        var ingressMissing = new SortedSet<string>(StringComparer.Ordinal);
        var egressMissing = new SortedSet<string>(StringComparer.Ordinal);
        var governingCluster = new SortedSet<string>(StringComparer.Ordinal);
        const PolicyDirection both = PolicyDirection.Ingress | PolicyDirection.Egress;

        foreach (var pod in selectablePods)
        {
            var name = pod.Pod.Name;
            var covered = (ingressIsolated.Contains(name) ? PolicyDirection.Ingress : PolicyDirection.None)
                | (egressIsolated.Contains(name) ? PolicyDirection.Egress : PolicyDirection.None);

            for (var i = 0; i < counted.Count; i++)
            {
                var isCluster = i >= countedNamespacedCount;
                if (covered == both && !isCluster)
                {
                    continue;
                }

                var governs = counted[i].Governs(pod);
                covered |= governs;
                if (isCluster && governs != PolicyDirection.None)
                {
                    governingCluster.Add(new PolicyRef(counted[i].Kind, counted[i].Name, counted[i].Source).DisplayName);
                }
            }

            foreach (var subject in uncountedCluster)
            {
                if (subject.Governs(pod) != PolicyDirection.None)
                {
                    uncounted.Add(new PolicyRef(subject.Kind, subject.Name, subject.Source).DisplayName);
                }
            }

            ((covered & PolicyDirection.Ingress) != 0 ? ingress : ingressMissing).Add(name);
            ((covered & PolicyDirection.Egress) != 0 ? egress : egressMissing).Add(name);
        }

        var namespaced = networkPolicies
            .Concat(namespacedSubjects.Select(s => new PolicyRef(s.Kind, s.Name, s.Source)))
            .OrderBy(p => p.DisplayName, StringComparer.Ordinal)
            .ToList();

        return new NamespaceCoverage
        {
            HasAnyPolicy = networkPolicies.Count > 0 || countedNamespacedCount > 0,
            IngressCoveredPods = [.. ingress],
            EgressCoveredPods = [.. egress],
            IngressUncoveredPods = [.. ingressMissing],
            EgressUncoveredPods = [.. egressMissing],
            NamespacedPolicies = namespaced,
            ClusterPoliciesGoverning = [.. governingCluster],
            UncountedPolicies = [.. uncounted],
        };
    }
}
