using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>Source locations indexed from a manifest snapshot.</summary>
internal sealed class SnapshotLocations : ISourceLocationLookup
{
    private readonly string _cluster;
    private readonly Dictionary<string, SourceLocation> _namespaces = new(StringComparer.Ordinal);
    private readonly SourceLocation? _first;

    public SnapshotLocations(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _cluster = snapshot.Cluster.Name;
        foreach (var ns in snapshot.Namespaces)
        {
            if (ns.Source is { } source)
            {
                _namespaces[ns.Name] = source;
            }
        }

        var namespaced = snapshot.NetworkPolicies.Select(p => ((string?)p.Namespace, p.Source))
            .Concat(snapshot.Pods.Select(p => ((string?)p.Namespace, p.Source)))
            .Concat(snapshot.CiliumPolicies.Select(p => (p.Namespace, p.Source)))
            .Concat(snapshot.CalicoPolicies.Select(p => (p.Namespace, p.Source)));
        foreach (var (ns, source) in namespaced)
        {
            if (ns is not null && source is not null)
            {
                _namespaces.TryAdd(ns, source);
            }
        }

        _first = _namespaces.Values
            .OrderBy(s => s.File, StringComparer.Ordinal)
            .ThenBy(s => s.Line)
            .FirstOrDefault();
    }

    public SourceLocation? ForNamespace(string cluster, string ns) =>
        string.Equals(cluster, _cluster, StringComparison.Ordinal) && _namespaces.TryGetValue(ns, out var source) ? source : null;

    public SourceLocation? ForCluster(string cluster) =>
        string.Equals(cluster, _cluster, StringComparison.Ordinal) ? _first : null;
}
