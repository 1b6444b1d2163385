using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// The Cilium and Calico policies reachability evaluates (docs/semantics.md §7.1, §7.2): only the objects of kinds the
/// cluster's engine may enforce take part, as in <c>scan</c>; the others are named in a note. Calico's converted copies
/// and Staged kinds are dropped as for coverage (§9.2).
/// </summary>
internal sealed class CrdGovernance
{
    private readonly CalicoPolicy[] _serviceAccountPolicies;
    private readonly Dictionary<string, NamespaceView> _namespaces = new(StringComparer.Ordinal);

    public CrdGovernance(ClusterSnapshot snapshot, EngineState engine, ICollection<string> ignored)
    {
        foreach (var ns in snapshot.Namespaces)
        {
            _namespaces.TryAdd(ns.Name, new NamespaceView(ns));
        }

        var cilium = new List<CiliumPolicy>();
        foreach (var policy in snapshot.CiliumPolicies)
        {
            var kind = policy.IsClusterwide ? PolicyKind.CiliumClusterwideNetworkPolicy : PolicyKind.CiliumNetworkPolicy;
            if (engine.Counts(kind))
            {
                cilium.Add(policy);
            }
            else
            {
                ignored.Add($"{PolicyKinds.DisplayName(kind)} {Name(policy.Namespace, policy.Name)} is not enforced by the cluster's engine ({engine.Basis}) and was not evaluated");
            }
        }

        var calico = new List<CalicoSubject>();
        foreach (var subject in CalicoPolicies.Normalize(snapshot.CalicoPolicies, new List<string>()))
        {
            if (engine.Counts(subject.Kind))
            {
                calico.Add(subject);
            }
            else
            {
                ignored.Add($"{PolicyKinds.DisplayName(subject.Kind)} {Name(subject.Namespace, subject.Name)} is not enforced by the cluster's engine ({engine.Basis}) and was not evaluated");
            }
        }

        Cilium = new CiliumRules(cilium);
        CiliumEnforcesAlways = engine.Engine == PolicyEngine.Cilium && !engine.EnforcementDisabled
            && string.Equals(snapshot.EngineEvidence?.CiliumPolicyEnforcementMode?.Trim(), "always", StringComparison.OrdinalIgnoreCase);
        Calico = new CalicoTier(calico);

        // Pods carry no service account, so a policy selecting by one could apply to any pod it may reach.
        var calicoCounted = engine.Counts(PolicyKind.CalicoNetworkPolicy) || engine.Counts(PolicyKind.CalicoGlobalNetworkPolicy);
        _serviceAccountPolicies = calicoCounted
            ? [.. snapshot.CalicoPolicies.Where(p => !p.Kind.Trim().StartsWith("Staged", StringComparison.Ordinal)
                && !CalicoPolicies.IsConvertedCopy(p.Name)
                && !string.IsNullOrWhiteSpace(p.ServiceAccountSelector)
                && !string.Equals(p.ServiceAccountSelector.Trim(), "all()", StringComparison.Ordinal))]
            : [];
    }

    public CiliumRules Cilium { get; }

    public CalicoTier Calico { get; }

    /// <summary>Cilium runs with <c>enable-policy: always</c>: every endpoint is in default deny, selected or not.</summary>
    public bool CiliumEnforcesAlways { get; }

    /// <summary>The pod with the label views Cilium and Calico selectors see.</summary>
    public PodView View(PodInfo pod)
    {
        var ns = _namespaces.GetValueOrDefault(pod.Namespace) ?? new NamespaceView(new NamespaceInfo { Name = pod.Namespace, Implied = true });
        return new PodView(pod, ns);
    }

    /// <summary>Calico policies selecting by service account, which the snapshot cannot judge, for the pod's namespace.</summary>
    public IEnumerable<string> ByServiceAccount(PodInfo pod) =>
        _serviceAccountPolicies
            .Where(p => p.Namespace is null || string.Equals(p.Namespace, pod.Namespace, StringComparison.Ordinal))
            .Select(p => $"unknown: Calico {p.Kind} {(p.Namespace is null ? p.Name : SnapshotIndex.Key(p.Namespace, p.Name))} serviceAccountSelector (not modelled: pods carry no service account) could change it");

    private static string Name(string? ns, string name) => ns is null ? name : SnapshotIndex.Key(ns, name);
}
