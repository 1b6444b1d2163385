namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// Folds flow events into <see cref="FlowEdge"/>s as they are read, so memory grows with the number of distinct
/// connections, not with the number of lines. Replies are counted and dropped (a reply is never demand); flows with
/// no transport port (ICMP, non-IP) and ends that name neither a pod nor an address are counted and dropped.
/// Not thread-safe: one reader feeds one aggregator.
/// </summary>
public sealed class FlowAggregator : IFlowSink
{
    private readonly Dictionary<FlowEdgeKey, FlowEdge> _edges = [];
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;

    public long Flows { get; private set; }

    public long Replies { get; private set; }

    /// <summary>Flows without a TCP/UDP/SCTP destination port (ICMP and others NetworkPolicy does not define).</summary>
    public long WithoutPort { get; private set; }

    /// <summary>Flows with an end that names neither a pod nor an address.</summary>
    public long Unidentified { get; private set; }

    /// <summary>Flows whose reply flag the source did not give; they are counted as demand.</summary>
    public long ReplyUnknown { get; private set; }

    public int EdgeCount => _edges.Count;

    public void Add(ObservedFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.Count < 1)
        {
            flow = flow with { Count = 1 };
        }

        var count = flow.Count;
        Flows += count;
        var firstTime = flow.FirstTime ?? flow.Time;
        _first = _first is { } f && f <= firstTime ? f : firstTime;
        _last = _last is { } l && l >= flow.Time ? l : flow.Time;
        if (flow.IsReply == true)
        {
            Replies += count;
            return;
        }

        if (flow.Protocol is not { } protocol || flow.DestinationPort is not { } port)
        {
            WithoutPort += count;
            return;
        }

        if (FlowPeer.Of(flow.Source) is not { } source || FlowPeer.Of(flow.Destination) is not { } destination)
        {
            Unidentified += count;
            return;
        }

        if (flow.IsReply is null)
        {
            ReplyUnknown += count;
        }

        var key = new FlowEdgeKey(source, destination, protocol, port);
        if (!_edges.TryGetValue(key, out var edge))
        {
            edge = new FlowEdge(key, flow);
            _edges.Add(key, edge);
        }

        edge.Add(flow);
    }

    /// <summary>What was read, with the edges in a stable order (source, destination, protocol, port).</summary>
    public ObservedTraffic Result() => new()
    {
        Edges = [.. _edges.Values
            .OrderBy(e => e.Key.Source.ToString(), StringComparer.Ordinal)
            .ThenBy(e => e.Key.Destination.ToString(), StringComparer.Ordinal)
            .ThenBy(e => e.Key.Protocol)
            .ThenBy(e => e.Key.Port)],
        Window = _first is { } from && _last is { } to ? new FlowWindow(from, to) : null,
        Flows = Flows,
        Replies = Replies,
        WithoutPort = WithoutPort,
        Unidentified = Unidentified,
        ReplyUnknown = ReplyUnknown,
    };
}

/// <summary>Where a flow reader puts each flow it decodes, one at a time.</summary>
public interface IFlowSink
{
    void Add(ObservedFlow flow);
}

/// <summary>The aggregated result of reading flows: the edges, the window they cover, and what was left out.</summary>
public sealed record ObservedTraffic
{
    public IReadOnlyList<FlowEdge> Edges { get; init; } = [];

    /// <summary>From the earliest to the latest event read; null when no event was read.</summary>
    public FlowWindow? Window { get; init; }

    public long Flows { get; init; }

    public long Replies { get; init; }

    public long WithoutPort { get; init; }

    public long Unidentified { get; init; }

    public long ReplyUnknown { get; init; }
}

/// <summary>The time span a set of flows covers.</summary>
public readonly record struct FlowWindow(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Length => To - From;
}
