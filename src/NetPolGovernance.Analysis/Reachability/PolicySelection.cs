using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// For each pod of a <see cref="SnapshotIndex"/>, the NetworkPolicies of its namespace that select it, per direction,
/// computed once per namespace. A pod that is not the indexed one (a probe, or the dropped copy of a duplicate) is
/// matched on demand against its own labels.
/// </summary>
internal sealed class PolicySelection
{
    private readonly SnapshotIndex _index;
    private readonly Dictionary<string, List<CompiledPolicy>> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<PodInfo, SelectingPolicies> _selecting = new(ReferenceEqualityComparer.Instance);

    public PolicySelection(SnapshotIndex index)
    {
        _index = index;
        foreach (var ns in index.Namespaces)
        {
            var policies = index.NetworkPoliciesIn(ns.Name);
            if (policies.Count > 0)
            {
                _policies[ns.Name] = [.. policies.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new CompiledPolicy(p))];
            }
        }

        foreach (var pod in index.Pods)
        {
            _selecting[pod] = Select(pod);
        }
    }

    /// <summary>The policies in the pod's namespace that select it and affect <paramref name="direction"/>, by name.</summary>
    public IReadOnlyList<CompiledPolicy> Selecting(PodInfo pod, PolicyDirection direction)
    {
        var selecting = _selecting.TryGetValue(pod, out var known) ? known : Select(pod);
        return direction == PolicyDirection.Ingress ? selecting.Ingress : selecting.Egress;
    }

    private SelectingPolicies Select(PodInfo pod)
    {
        if (!_policies.TryGetValue(pod.Namespace, out var policies))
        {
            return SelectingPolicies.None;
        }

        var ingress = new List<CompiledPolicy>();
        var egress = new List<CompiledPolicy>();
        foreach (var policy in policies)
        {
            if (!LabelSelectors.Matches(policy.Policy.PodSelector, pod.Labels))
            {
                continue;
            }

            if (policy.Affects(PolicyDirection.Ingress))
            {
                ingress.Add(policy);
            }

            if (policy.Affects(PolicyDirection.Egress))
            {
                egress.Add(policy);
            }
        }

        return new SelectingPolicies(ingress, egress);
    }

    private sealed record SelectingPolicies(IReadOnlyList<CompiledPolicy> Ingress, IReadOnlyList<CompiledPolicy> Egress)
    {
        public static readonly SelectingPolicies None = new([], []);
    }
}

/// <summary>A NetworkPolicy with its effective types computed once.</summary>
internal sealed class CompiledPolicy(NetworkPolicy policy)
{
    private readonly PolicyDirection _types = PolicyDirections.EffectiveTypes(policy);

    public NetworkPolicy Policy { get; } = policy;

    public string Key { get; } = SnapshotIndex.Key(policy.Namespace, policy.Name);

    public bool Affects(PolicyDirection direction) => (_types & direction) == direction;
}
