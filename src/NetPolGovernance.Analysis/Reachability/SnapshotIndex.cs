using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// The snapshot indexed for connection questions: pods by key and by namespace, effective namespace labels,
/// and for each pod the policies that select it per direction (computed once, per namespace).
/// </summary>
internal sealed class SnapshotIndex
{
    private static readonly IReadOnlyList<PodInfo> s_noPods = [];

    private readonly Dictionary<string, PodInfo> _podsByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PodInfo>> _podsByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaceLabels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SelectingPolicies> _selecting = new(StringComparer.Ordinal);

    public SnapshotIndex(ClusterSnapshot snapshot)
    {
        Snapshot = snapshot;
        foreach (var ns in snapshot.Namespaces)
        {
            _namespaceLabels[ns.Name] = LabelSelectors.EffectiveNamespaceLabels(ns);
        }

        foreach (var pod in snapshot.Pods)
        {
            _podsByKey[Key(pod.Namespace, pod.Name)] = pod;
            if (!_namespaceLabels.ContainsKey(pod.Namespace))
            {
                _namespaceLabels[pod.Namespace] = LabelSelectors.EffectiveNamespaceLabels(new NamespaceInfo { Name = pod.Namespace, Implied = true });
            }

            if (!_podsByNamespace.TryGetValue(pod.Namespace, out var list))
            {
                _podsByNamespace[pod.Namespace] = list = [];
            }

            list.Add(pod);
        }

        var policiesByNamespace = snapshot.NetworkPolicies
            .GroupBy(p => p.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new CompiledPolicy(p)).ToList(), StringComparer.Ordinal);

        foreach (var (ns, pods) in _podsByNamespace)
        {
            var policies = policiesByNamespace.GetValueOrDefault(ns) ?? [];
            foreach (var pod in pods)
            {
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

                _selecting[Key(pod.Namespace, pod.Name)] = new SelectingPolicies(ingress, egress);
            }
        }
    }

    public ClusterSnapshot Snapshot { get; }

    public IEnumerable<string> PodNamespaces => _podsByNamespace.Keys;

    public static string Key(string ns, string name) => string.Concat(ns, "/", name);

    public PodInfo? FindPod(string ns, string name) => _podsByKey.GetValueOrDefault(Key(ns, name));

    public IReadOnlyList<PodInfo> PodsIn(string ns) => _podsByNamespace.TryGetValue(ns, out var pods) ? pods : s_noPods;

    /// <summary>The namespace's labels with <c>kubernetes.io/metadata.name</c>; an implied namespace has only that label.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels(string ns)
    {
        return _namespaceLabels.TryGetValue(ns, out var labels)
            ? labels
            : LabelSelectors.EffectiveNamespaceLabels(new NamespaceInfo { Name = ns, Implied = true });
    }

    /// <summary>The policies in the pod's namespace that select it and affect <paramref name="direction"/>, by name.</summary>
    public IReadOnlyList<CompiledPolicy> Selecting(PodInfo pod, PolicyDirection direction)
    {
        var selecting = _selecting[Key(pod.Namespace, pod.Name)];
        return direction == PolicyDirection.Ingress ? selecting.Ingress : selecting.Egress;
    }

    private sealed record SelectingPolicies(IReadOnlyList<CompiledPolicy> Ingress, IReadOnlyList<CompiledPolicy> Egress);
}

/// <summary>A NetworkPolicy with its effective types computed once.</summary>
internal sealed class CompiledPolicy(NetworkPolicy policy)
{
    private readonly PolicyDirection _types = PolicyDirections.EffectiveTypes(policy);

    public NetworkPolicy Policy { get; } = policy;

    public string Key { get; } = SnapshotIndex.Key(policy.Namespace, policy.Name);

    public bool Affects(PolicyDirection direction) => (_types & direction) == direction;
}
