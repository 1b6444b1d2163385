using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Pipeline;

/// <summary>
/// The snapshot grouped by namespace, built once per analysis. Every namespace appears: the listed ones plus any
/// implied by pods or namespaced policies. Within a namespace, a duplicate pod name keeps its first occurrence.
/// </summary>
internal sealed class SnapshotIndex
{
    private static readonly IReadOnlyList<PodInfo> s_noPods = [];
    private static readonly IReadOnlyList<NetworkPolicy> s_noPolicies = [];
    private static readonly IReadOnlyList<ICoverageSubject> s_noSubjects = [];

    private readonly Dictionary<string, List<PodInfo>> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NetworkPolicy>> _networkPolicies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ICoverageSubject>> _namespacedSubjects = new(StringComparer.Ordinal);

    private SnapshotIndex()
    {
    }

    /// <summary>Namespaces sorted ordinally by name.</summary>
    public IReadOnlyList<NamespaceView> Namespaces { get; private set; } = [];

    /// <summary>CCNP, Calico GlobalNetworkPolicy, ANP and BANP objects.</summary>
    public IReadOnlyList<ICoverageSubject> ClusterSubjects { get; private set; } = [];

    /// <summary>Every counted-kind object of the snapshot (for NPG-C05), after Calico normalisation.</summary>
    public IReadOnlyList<PolicyRef> CrdPolicies { get; private set; } = [];

    public IReadOnlyList<PodInfo> Pods(string ns) => _pods.TryGetValue(ns, out var pods) ? pods : s_noPods;

    public IReadOnlyList<NetworkPolicy> NetworkPolicies(string ns) =>
        _networkPolicies.TryGetValue(ns, out var policies) ? policies : s_noPolicies;

    public IReadOnlyList<ICoverageSubject> NamespacedSubjects(string ns) =>
        _namespacedSubjects.TryGetValue(ns, out var subjects) ? subjects : s_noSubjects;

    public static SnapshotIndex Build(ClusterSnapshot snapshot, ICollection<string> notes)
    {
        var index = new SnapshotIndex();
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var ns in snapshot.Namespaces)
        {
            namespaces.TryAdd(ns.Name, ns);
        }

        var podNames = new HashSet<(string, string)>();
        foreach (var pod in snapshot.Pods)
        {
            if (podNames.Add((pod.Namespace, pod.Name)))
            {
                Add(index._pods, pod.Namespace, pod);
            }
        }

        foreach (var policy in snapshot.NetworkPolicies)
        {
            Add(index._networkPolicies, policy.Namespace, policy);
        }

        var clusterSubjects = new List<ICoverageSubject>();
        foreach (var cilium in snapshot.CiliumPolicies)
        {
            var subject = new CiliumSubject(cilium);
            if (subject.Namespace is null)
            {
                clusterSubjects.Add(subject);
            }
            else
            {
                Add(index._namespacedSubjects, subject.Namespace, (ICoverageSubject)subject);
            }
        }

        foreach (var calico in CalicoPolicies.Normalize(snapshot.CalicoPolicies, notes))
        {
            if (calico.Namespace is null)
            {
                clusterSubjects.Add(calico);
            }
            else
            {
                Add(index._namespacedSubjects, calico.Namespace, (ICoverageSubject)calico);
            }
        }

        foreach (var admin in snapshot.AdminPolicies)
        {
            if (AdminSubject.IsKnownVersion(admin))
            {
                clusterSubjects.Add(new AdminSubject(admin));
            }
            else
            {
                notes.Add($"{admin.Kind} '{admin.Name}' ({admin.ApiVersion}) is an API version the analysis does not understand; it was not counted.");
            }
        }

        index.ClusterSubjects = clusterSubjects;
        index.CrdPolicies = [.. index._namespacedSubjects.Values.SelectMany(s => s).Concat(clusterSubjects)
            .Select(s => new PolicyRef(s.Kind, s.Namespace is null ? s.Name : $"{s.Namespace}/{s.Name}", s.Source))
            .OrderBy(p => p.DisplayName, StringComparer.Ordinal)];

        foreach (var implied in index._pods.Keys.Concat(index._networkPolicies.Keys).Concat(index._namespacedSubjects.Keys))
        {
            namespaces.TryAdd(implied, new NamespaceInfo { Name = implied, Implied = true });
        }

        index.Namespaces = [.. namespaces.Values.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new NamespaceView(n))];
        return index;
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T item)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }

        list.Add(item);
    }
}
