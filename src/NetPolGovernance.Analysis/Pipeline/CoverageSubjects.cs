using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Pipeline;

/// <summary>
/// The policies of the counted CRD kinds as coverage subjects, built once per analysis: the namespaced ones by
/// namespace, and the cluster-wide ones. Pods, NetworkPolicies and namespaces come from <see cref="SnapshotIndex"/>.
/// </summary>
internal sealed class CoverageSubjects
{
    private static readonly IReadOnlyList<ICoverageSubject> s_noSubjects = [];

    private readonly Dictionary<string, List<ICoverageSubject>> _namespaced = new(StringComparer.Ordinal);

    private CoverageSubjects()
    {
    }

    /// <summary>CCNP, Calico GlobalNetworkPolicy, ANP and BANP objects.</summary>
    public IReadOnlyList<ICoverageSubject> ClusterSubjects { get; private set; } = [];

    /// <summary>Every counted-kind object of the snapshot (for NPG-C05), after Calico normalisation.</summary>
    public IReadOnlyList<PolicyRef> CrdPolicies { get; private set; } = [];

    /// <summary>The namespaces that hold a namespaced subject.</summary>
    public IEnumerable<string> Namespaces => _namespaced.Keys;

    public IReadOnlyList<ICoverageSubject> NamespacedSubjects(string ns) =>
        _namespaced.TryGetValue(ns, out var subjects) ? subjects : s_noSubjects;

    public static CoverageSubjects Build(ClusterSnapshot snapshot, ICollection<string> notes)
    {
        var result = new CoverageSubjects();
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
                result.AddNamespaced(subject.Namespace, subject);
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
                result.AddNamespaced(calico.Namespace, calico);
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

        result.ClusterSubjects = clusterSubjects;
        result.CrdPolicies = [.. result._namespaced.Values.SelectMany(s => s).Concat(clusterSubjects)
            .Select(s => new PolicyRef(s.Kind, s.Namespace is null ? s.Name : $"{s.Namespace}/{s.Name}", s.Source))
            .OrderBy(p => p.DisplayName, StringComparer.Ordinal)];
        return result;
    }

    private void AddNamespaced(string ns, ICoverageSubject subject)
    {
        if (!_namespaced.TryGetValue(ns, out var list))
        {
            list = [];
            _namespaced[ns] = list;
        }

        list.Add(subject);
    }
}
