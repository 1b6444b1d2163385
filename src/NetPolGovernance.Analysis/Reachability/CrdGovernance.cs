using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// Cilium and Calico policies for reachability: the rules of these kinds are not evaluated yet, so a counted object
/// that governs a side of the connection (the same selection as coverage, docs/semantics.md §9) makes the answer
/// unknown, naming the object. Objects the cluster's engine does not enforce take no part, as in <c>scan</c>.
/// </summary>
internal sealed class CrdGovernance
{
    private readonly ICoverageSubject[] _subjects;
    private readonly CalicoPolicy[] _serviceAccountPolicies;
    private readonly Dictionary<string, NamespaceView> _namespaces = new(StringComparer.Ordinal);

    public CrdGovernance(ClusterSnapshot snapshot, EngineState engine, ICollection<string> ignored)
    {
        foreach (var ns in snapshot.Namespaces)
        {
            _namespaces.TryAdd(ns.Name, new NamespaceView(ns));
        }

        var subjects = new List<ICoverageSubject>();
        var candidates = snapshot.CiliumPolicies.Select(p => (ICoverageSubject)new CiliumSubject(p))
            .Concat(CalicoPolicies.Normalize(snapshot.CalicoPolicies, new List<string>()));
        foreach (var subject in candidates)
        {
            if (engine.Counts(subject.Kind))
            {
                subjects.Add(subject);
            }
            else
            {
                ignored.Add($"{PolicyKinds.DisplayName(subject.Kind)} {Name(subject)} is not enforced by the cluster's engine ({engine.Basis}) and was not evaluated");
            }
        }

        _subjects = [.. subjects];

        // Pods carry no service account, so a policy selecting by one could apply to any pod it may reach.
        var calicoCounted = engine.Counts(PolicyKind.CalicoNetworkPolicy) || engine.Counts(PolicyKind.CalicoGlobalNetworkPolicy);
        _serviceAccountPolicies = calicoCounted
            ? [.. snapshot.CalicoPolicies.Where(p => !p.Kind.Trim().StartsWith("Staged", StringComparison.Ordinal)
                && !CalicoPolicies.IsConvertedCopy(p.Name)
                && !string.IsNullOrWhiteSpace(p.ServiceAccountSelector)
                && !string.Equals(p.ServiceAccountSelector.Trim(), "all()", StringComparison.Ordinal))]
            : [];
    }

    /// <summary>The unknown markers for the objects that govern <paramref name="pod"/> in <paramref name="direction"/>.</summary>
    public IEnumerable<string> Governing(PodInfo pod, PolicyDirection direction)
    {
        foreach (var reason in ByServiceAccount(pod))
        {
            yield return reason;
        }

        if (_subjects.Length == 0)
        {
            yield break;
        }

        var ns = _namespaces.GetValueOrDefault(pod.Namespace) ?? new NamespaceView(new NamespaceInfo { Name = pod.Namespace, Implied = true });
        var view = new PodView(pod, ns);
        foreach (var subject in _subjects)
        {
            if ((subject.Governs(view) & direction) == direction || (subject.DefaultDenies(ns) & direction) == direction)
            {
                yield return $"unknown: {PolicyKinds.DisplayName(subject.Kind)} {Name(subject)} selects {SnapshotIndex.Key(pod.Namespace, pod.Name)} for {(direction == PolicyDirection.Ingress ? "ingress" : "egress")} and its rules are not evaluated, so it could change it";
            }
        }
    }

    /// <summary>Calico policies selecting by service account, which the snapshot cannot judge, for the pod's namespace.</summary>
    public IEnumerable<string> ByServiceAccount(PodInfo pod) =>
        _serviceAccountPolicies
            .Where(p => p.Namespace is null || string.Equals(p.Namespace, pod.Namespace, StringComparison.Ordinal))
            .Select(p => $"unknown: Calico {p.Kind} {(p.Namespace is null ? p.Name : SnapshotIndex.Key(p.Namespace, p.Name))} serviceAccountSelector (not modelled: pods carry no service account) could change it");

    private static string Name(ICoverageSubject subject) => subject.Namespace is null ? subject.Name : SnapshotIndex.Key(subject.Namespace, subject.Name);
}
