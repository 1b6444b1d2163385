using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;
using NetPolGovernance.Connectors.Kubernetes.Objects;

namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>
/// Collects the objects of one cluster and builds its <see cref="ClusterSnapshot"/>:
/// <list type="bullet">
/// <item>the same object written twice keeps the later one (as <c>kubectl apply</c> would) and says so in the notes;</item>
/// <item>namespaces that objects live in but that were not declared are added as <see cref="NamespaceInfo.Implied"/>;</item>
/// <item>a workload contributes its template pod only when no Pod object of that workload exists
/// (owned by it, or matching its selector), and not when its own controller (e.g. the Deployment of a ReplicaSet) is present.</item>
/// </list>
/// Not thread-safe: one builder per cluster.
/// </summary>
internal sealed class SnapshotBuilder
{
    private readonly Dictionary<string, NamespaceInfo> _namespaces = new(StringComparer.Ordinal);
    private Dictionary<(string Namespace, string Name), PodEntry> _pods = [];
    private readonly Dictionary<(string Kind, string Namespace, string Name), WorkloadTemplate> _workloads = [];
    private readonly Dictionary<(string Namespace, string Name), NetworkPolicy> _networkPolicies = [];
    private readonly Dictionary<(string Kind, string Namespace, string Name), CiliumPolicy> _ciliumPolicies = [];
    private readonly Dictionary<(string Group, string Kind, string Namespace, string Name), CalicoPolicy> _calicoPolicies = [];
    private readonly Dictionary<(string Kind, string Name), AdminPolicy> _adminPolicies = [];
    private readonly SortedDictionary<string, int> _ignoredKinds = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly List<InvisibleKind> _invisibleKinds = [];

    /// <summary>Objects recognised so far (every kind the reader keeps, workloads included).</summary>
    public int RecognisedCount { get; private set; }

    public void AddNamespace(NamespaceInfo ns) => Put(_namespaces, ns.Name, ns, "Namespace", ns.Name, ns.Source);

    public void AddPod(PodInfo pod, OwnerReference? owner) =>
        Put(_pods, (pod.Namespace, pod.Name), new PodEntry(pod, owner), "Pod", $"{pod.Namespace}/{pod.Name}", pod.Source);

    /// <summary>Moves the pods another builder collected (a staged list) into this one; the stage is left without pods.</summary>
    public void AddPodsFrom(SnapshotBuilder stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (_pods.Count == 0)
        {
            // The usual case (one pod list per cluster): take the stage's table instead of copying 25,000 entries.
            (_pods, stage._pods) = (stage._pods, _pods);
            RecognisedCount += _pods.Count;
        }
        else
        {
            foreach (var entry in stage._pods.Values)
            {
                AddPod(entry.Pod, entry.Owner);
            }

            stage._pods.Clear();
        }

        foreach (var note in stage._notes)
        {
            AddNote(note);
        }

        foreach (var (kind, count) in stage._ignoredKinds)
        {
            for (var i = 0; i < count; i++)
            {
                AddIgnored(kind);
            }
        }
    }

    public void AddWorkload(WorkloadTemplate workload) =>
        Put(_workloads, (workload.Kind, workload.Namespace, workload.Name), workload, workload.Kind, $"{workload.Namespace}/{workload.Name}", workload.DerivedPod.Source);

    public void AddNetworkPolicy(NetworkPolicy policy) =>
        Put(_networkPolicies, (policy.Namespace, policy.Name), policy, "NetworkPolicy", $"{policy.Namespace}/{policy.Name}", policy.Source);

    public void AddCiliumPolicy(CiliumPolicy policy) =>
        Put(_ciliumPolicies, (policy.Kind, policy.Namespace ?? string.Empty, policy.Name), policy, policy.Kind, Qualified(policy.Namespace, policy.Name), policy.Source);

    public void AddCalicoPolicy(CalicoPolicy policy) =>
        Put(_calicoPolicies, (policy.ApiGroup, policy.Kind, policy.Namespace ?? string.Empty, policy.Name), policy, $"{policy.Kind}.{policy.ApiGroup}", Qualified(policy.Namespace, policy.Name), policy.Source);

    public void AddAdminPolicy(AdminPolicy policy) =>
        Put(_adminPolicies, (policy.Kind, policy.Name), policy, policy.Kind, policy.Name, policy.Source);

    /// <summary>Counts an object of a kind that does not matter for network policy.</summary>
    public void AddIgnored(string kind)
    {
        _ignoredKinds[kind] = _ignoredKinds.GetValueOrDefault(kind) + 1;
    }

    public void AddNote(string note) => _notes.Add(note);

    public void AddInvisibleKind(InvisibleKind kind) => _invisibleKinds.Add(kind);

    public ClusterSnapshot Build(ClusterIdentity cluster, SnapshotSource source)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var pods = _pods.Values.Select(p => p.Pod).ToList();
        var derived = DerivedPods();
        pods.AddRange(derived);

        var networkPolicies = _networkPolicies.Values.ToList();
        var ciliumPolicies = _ciliumPolicies.Values.ToList();
        var calicoPolicies = _calicoPolicies.Values.ToList();
        var namespaces = _namespaces.Values.ToList();
        var implied = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in pods.Select(p => p.Namespace)
                     .Concat(networkPolicies.Select(p => p.Namespace))
                     .Concat(ciliumPolicies.Select(p => p.Namespace))
                     .Concat(calicoPolicies.Select(p => p.Namespace))
                     .OfType<string>())
        {
            if (!_namespaces.ContainsKey(name))
            {
                implied.Add(name);
            }
        }

        namespaces.AddRange(implied.Select(name => new NamespaceInfo { Name = name, Implied = true }));

        var notes = new List<string>(_notes);
        if (implied.Count > 0)
        {
            notes.Add($"namespaces used by objects but not declared (implied): {string.Join(", ", implied)}");
        }

        if (derived.Count > 0)
        {
            notes.Add($"pods derived from workload templates (no Pod objects for them): {string.Join(", ", derived.Select(p => $"{p.Namespace}/{p.DerivedFrom}"))}");
        }

        if (_ignoredKinds.Count > 0)
        {
            notes.Add($"ignored kinds that do not affect network policy: {string.Join(", ", _ignoredKinds.Select(k => $"{k.Key} ({k.Value.ToString(CultureInfo.InvariantCulture)})"))}");
        }

        return new ClusterSnapshot
        {
            Cluster = cluster,
            Source = source,
            Namespaces = namespaces,
            Pods = pods,
            NetworkPolicies = networkPolicies,
            CiliumPolicies = ciliumPolicies,
            CalicoPolicies = calicoPolicies,
            AdminPolicies = _adminPolicies.Values.ToList(),
            InvisibleKinds = _invisibleKinds.ToList(),
            Notes = notes,
        };
    }

    private List<PodInfo> DerivedPods()
    {
        var derived = new List<PodInfo>();
        foreach (var workload in _workloads.Values)
        {
            if (workload.Owner is { } owner && _workloads.ContainsKey((owner.Kind, workload.Namespace, owner.Name)))
            {
                continue; // e.g. a ReplicaSet of a Deployment that is present: the Deployment speaks for it.
            }

            if (!HasPodObjects(workload))
            {
                derived.Add(workload.DerivedPod);
            }
        }

        return derived;
    }

    private bool HasPodObjects(WorkloadTemplate workload)
    {
        foreach (var entry in _pods.Values)
        {
            if (!string.Equals(entry.Pod.Namespace, workload.Namespace, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.Owner is { } owner && IsOwnedBy(owner, workload))
            {
                return true;
            }

            if (workload.Selector is { } selector && LabelSelectors.Matches(selector, entry.Pod.Labels))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A pod's controller is the workload itself, or a ReplicaSet/Job in the input that the workload controls.</summary>
    private bool IsOwnedBy(OwnerReference owner, WorkloadTemplate workload)
    {
        if (string.Equals(owner.Kind, workload.Kind, StringComparison.Ordinal) && string.Equals(owner.Name, workload.Name, StringComparison.Ordinal))
        {
            return true;
        }

        return _workloads.TryGetValue((owner.Kind, workload.Namespace, owner.Name), out var intermediate)
            && intermediate.Owner is { } next
            && string.Equals(next.Kind, workload.Kind, StringComparison.Ordinal)
            && string.Equals(next.Name, workload.Name, StringComparison.Ordinal);
    }

    private void Put<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key, TValue value, string kind, string name, SourceLocation? source)
        where TKey : notnull
    {
        RecognisedCount++;
        if (map.ContainsKey(key))
        {
            var where = source is null ? string.Empty : $" (again at {Describe(source)})";
            _notes.Add($"{kind} {name} is defined more than once{where}; the later definition is used");
        }

        map[key] = value;
    }

    private static string Describe(SourceLocation source) => $"{source.File}:{source.Line.ToString(CultureInfo.InvariantCulture)}";

    private static string Qualified(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private sealed record PodEntry(PodInfo Pod, OwnerReference? Owner);
}
