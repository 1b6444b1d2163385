using NetPolGovernance.Analysis.Coverage;

namespace NetPolGovernance.Analysis.Model;

/// <summary>
/// The one index of a snapshot that every analysis reads (the scan pipeline, reachability and remediation), so they
/// all see the same objects: pods by key and by namespace, NetworkPolicies by namespace, and the namespaces (the
/// listed ones plus those implied by pods or NetworkPolicies). A duplicate (two pods with the same namespace and name,
/// or two Namespace objects with the same name) keeps its later definition, as the snapshot builder does for a
/// manifest set (and <c>kubectl apply</c> would); NetworkPolicies are kept as written, every object.
/// Immutable after construction, so it may be read from many threads.
/// </summary>
internal sealed class SnapshotIndex
{
    private static readonly IReadOnlyList<PodInfo> s_noPods = [];
    private static readonly IReadOnlyList<NetworkPolicy> s_noPolicies = [];

    private readonly Dictionary<(string Namespace, string Name), (PodInfo Pod, int Position)> _podsByKey = [];
    private readonly Dictionary<string, List<PodInfo>> _podsByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NetworkPolicy>> _policiesByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamespaceView> _namespaces = new(StringComparer.Ordinal);

    public SnapshotIndex(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshot = snapshot;
        foreach (var ns in snapshot.Namespaces)
        {
            _namespaces[ns.Name] = new NamespaceView(ns);
        }

        var duplicates = false;
        foreach (var pod in snapshot.Pods)
        {
            var key = (pod.Namespace, pod.Name);
            if (_podsByKey.TryGetValue(key, out var earlier))
            {
                // The later definition takes the earlier one's place.
                duplicates = true;
                _podsByKey[key] = (pod, earlier.Position);
                _podsByNamespace[pod.Namespace][earlier.Position] = pod;
                continue;
            }

            if (!_podsByNamespace.TryGetValue(pod.Namespace, out var list))
            {
                list = [];
                _podsByNamespace[pod.Namespace] = list;
            }

            _podsByKey[key] = (pod, list.Count);
            list.Add(pod);
        }

        Pods = duplicates ? Deduplicated(snapshot.Pods) : snapshot.Pods;

        foreach (var policy in snapshot.NetworkPolicies)
        {
            if (!_policiesByNamespace.TryGetValue(policy.Namespace, out var list))
            {
                list = [];
                _policiesByNamespace[policy.Namespace] = list;
            }

            list.Add(policy);
        }

        foreach (var implied in _podsByNamespace.Keys.Concat(_policiesByNamespace.Keys))
        {
            if (!_namespaces.ContainsKey(implied))
            {
                _namespaces[implied] = Implied(implied);
            }
        }

        Namespaces = [.. _namespaces.Values.OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    public ClusterSnapshot Snapshot { get; }

    /// <summary>Every pod once (the later definition of a duplicate, where the first one was), in snapshot order.</summary>
    public IReadOnlyList<PodInfo> Pods { get; }

    /// <summary>The listed namespaces and those implied by pods or NetworkPolicies, sorted ordinally by name.</summary>
    public IReadOnlyList<NamespaceView> Namespaces { get; }

    public static string Key(string ns, string name) => string.Concat(ns, "/", name);

    public PodInfo? FindPod(string ns, string name) => _podsByKey.TryGetValue((ns, name), out var entry) ? entry.Pod : null;

    /// <summary>The namespace's pods in snapshot order, each once (as in <see cref="Pods"/>).</summary>
    public IReadOnlyList<PodInfo> PodsIn(string ns) => _podsByNamespace.TryGetValue(ns, out var pods) ? pods : s_noPods;

    /// <summary>The namespace's NetworkPolicies in snapshot order (every object, as written).</summary>
    public IReadOnlyList<NetworkPolicy> NetworkPoliciesIn(string ns) =>
        _policiesByNamespace.TryGetValue(ns, out var policies) ? policies : s_noPolicies;

    /// <summary>The namespace's labels with <c>kubernetes.io/metadata.name</c>; a namespace not listed has only that label.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels(string ns) =>
        (_namespaces.GetValueOrDefault(ns) ?? Implied(ns)).Labels;

    /// <summary><see cref="Namespaces"/> plus a namespace (implied, not listed) for each of <paramref name="names"/> not among them, sorted.</summary>
    public IReadOnlyList<NamespaceView> NamespacesIncluding(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var extra = names.Distinct(StringComparer.Ordinal).Where(n => !_namespaces.ContainsKey(n)).ToList();
        return extra.Count == 0
            ? Namespaces
            : [.. Namespaces.Concat(extra.Select(Implied)).OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    private static NamespaceView Implied(string name) => new(new NamespaceInfo { Name = name, Implied = true });

    private List<PodInfo> Deduplicated(IReadOnlyList<PodInfo> pods)
    {
        var seen = new HashSet<(string, string)>();
        var result = new List<PodInfo>(_podsByKey.Count);
        foreach (var pod in pods)
        {
            if (seen.Add((pod.Namespace, pod.Name)))
            {
                result.Add(_podsByKey[(pod.Namespace, pod.Name)].Pod);
            }
        }

        return result;
    }
}
