namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// The flows read for one cluster and where they came from, or why they could not be read. A scan that was given
/// flows attaches one to every cluster it reads; the runtime proof (NPG-N13) judges namespaces with it.
/// </summary>
public sealed record ClusterFlows
{
    /// <summary>The aggregated flows; null when they were asked for but could not be read (<see cref="UnavailableReason"/>).</summary>
    public ObservedTraffic? Traffic { get; init; }

    /// <summary>Where the flows came from, for messages: <c>flow files x.jsonl</c>, <c>ContainerNetworkLogs, last 24 h</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>Why the flows of this cluster could not be read; null when they were.</summary>
    public string? UnavailableReason { get; init; }

    /// <summary>How the flows were matched to this cluster, when that is worth saying (a cluster name that differs).</summary>
    public string? Note { get; init; }

    public static ClusterFlows Read(ObservedTraffic traffic, string origin, string? note = null) =>
        new() { Traffic = traffic, Origin = origin, Note = note };

    public static ClusterFlows Unavailable(string origin, string reason) =>
        new() { Origin = origin, UnavailableReason = reason };
}

/// <summary>
/// Aggregates the flows of several clusters in one pass, one <see cref="FlowAggregator"/> per cluster name the flows
/// carry (<see cref="ObservedFlow.Cluster"/>), so memory grows with distinct connections per cluster, never with
/// lines. <see cref="For"/> gives a cluster its flows: those naming it; or, when the flows name at most one cluster
/// (one cluster's export, possibly under another name), all of them. Not thread-safe while reading; <see cref="For"/>
/// may be called from many threads once reading is done.
/// </summary>
public sealed class FlowsByCluster : IFlowSink
{
    private readonly Dictionary<string, FlowAggregator> _byCluster = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _origin;
    private readonly object _gate = new();
    private Dictionary<string, ObservedTraffic>? _results;

    public FlowsByCluster(string origin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        _origin = origin;
    }

    /// <summary>The cluster names the flows carry, sorted; empty when none names a cluster.</summary>
    public IReadOnlyList<string> ClusterNames => [.. _byCluster.Keys.Where(k => k.Length > 0).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Flows naming no cluster while others do: they cannot be given to any cluster.</summary>
    public long Unattributed => _byCluster.Count > 1 && _byCluster.TryGetValue(string.Empty, out var none) ? none.Flows : 0;

    public void Add(ObservedFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var key = flow.Cluster ?? string.Empty;
        if (!_byCluster.TryGetValue(key, out var aggregator))
        {
            aggregator = new FlowAggregator();
            _byCluster.Add(key, aggregator);
        }

        aggregator.Add(flow);
    }

    /// <summary>The flows of the cluster named <paramref name="clusterName"/> (see the type's summary for the rule).</summary>
    public ClusterFlows For(string clusterName)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        var results = Results();
        if (results.TryGetValue(clusterName, out var own) && clusterName.Length > 0)
        {
            return ClusterFlows.Read(own, _origin);
        }

        var named = results.Keys.Where(k => k.Length > 0).ToList();
        if (named.Count <= 1)
        {
            // One cluster's export: a single aggregator, whatever name it carries (a manifests scan has no real name).
            var only = results.Count == 1 ? results.Values.Single() : Merge(results.Values);
            var note = named.Count == 1 && !string.Equals(named[0], clusterName, StringComparison.OrdinalIgnoreCase)
                ? $"the flows name cluster {named[0]}; read as the flows of {clusterName}"
                : null;
            return ClusterFlows.Read(only, _origin, note);
        }

        return ClusterFlows.Read(
            new ObservedTraffic(),
            _origin,
            $"the flows name clusters {string.Join(", ", named.Order(StringComparer.OrdinalIgnoreCase))}, not {clusterName}");
    }

    private Dictionary<string, ObservedTraffic> Results()
    {
        lock (_gate)
        {
            return _results ??= _byCluster.ToDictionary(p => p.Key, p => p.Value.Result(), StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Flows naming one cluster and flows naming none, read as one cluster's: the edges of both.</summary>
    private static ObservedTraffic Merge(IEnumerable<ObservedTraffic> parts)
    {
        var list = parts.ToList();
        var windows = list.Select(t => t.Window).OfType<FlowWindow>().ToList();
        return new ObservedTraffic
        {
            Edges = [.. list.SelectMany(t => t.Edges)],
            Window = windows.Count == 0 ? null : new FlowWindow(windows.Min(w => w.From), windows.Max(w => w.To)),
            Flows = list.Sum(t => t.Flows),
            Replies = list.Sum(t => t.Replies),
            WithoutPort = list.Sum(t => t.WithoutPort),
            Unidentified = list.Sum(t => t.Unidentified),
            ReplyUnknown = list.Sum(t => t.ReplyUnknown),
        };
    }
}
