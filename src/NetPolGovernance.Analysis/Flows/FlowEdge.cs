using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>The identity of an aggregated connection: source peer, destination peer, protocol and destination port.</summary>
public readonly record struct FlowEdgeKey(FlowPeer Source, FlowPeer Destination, TransportProtocol Protocol, int Port);

/// <summary>
/// Every non-reply flow event of one connection (<see cref="FlowEdgeKey"/>) in the window: when it was first and last
/// seen, how many events, how many the dataplane forwarded and dropped on each side, and the policies it named.
/// A pod-to-pod connection is usually seen twice per packet, at the source's egress and at the destination's ingress;
/// both land here, counted per side.
/// </summary>
public sealed class FlowEdge
{
    /// <summary>At most this many distinct policy names are kept per edge and verdict.</summary>
    public const int MaxPolicyNames = 8;

    private readonly SortedSet<string> _allowedBy = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _deniedBy = new(StringComparer.Ordinal);

    internal FlowEdge(FlowEdgeKey key, ObservedFlow first)
    {
        Key = key;
        FirstSeen = first.FirstTime ?? first.Time;
        LastSeen = first.Time;
        SourceSample = first.Source;
        DestinationSample = first.Destination;
    }

    public FlowEdgeKey Key { get; }

    public DateTimeOffset FirstSeen { get; private set; }

    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Non-reply events counted into this edge.</summary>
    public long Count { get; private set; }

    public FlowSideCounts Egress { get; private set; }

    public FlowSideCounts Ingress { get; private set; }

    /// <summary>Events whose side the source did not say.</summary>
    public FlowSideCounts UnknownSide { get; private set; }

    public long Forwarded => Egress.Forwarded + Ingress.Forwarded + UnknownSide.Forwarded;

    public long Dropped => Egress.Dropped + Ingress.Dropped + UnknownSide.Dropped;

    /// <summary>The first source endpoint seen (a pod name and labels to stand for the workload).</summary>
    public FlowEndpoint SourceSample { get; }

    public FlowEndpoint DestinationSample { get; }

    public IReadOnlyCollection<string> AllowedBy => _allowedBy;

    public IReadOnlyCollection<string> DeniedBy => _deniedBy;

    internal void Add(ObservedFlow flow)
    {
        Count += flow.Count;
        if ((flow.FirstTime ?? flow.Time) < FirstSeen)
        {
            FirstSeen = flow.FirstTime ?? flow.Time;
        }

        if (flow.Time > LastSeen)
        {
            LastSeen = flow.Time;
        }

        switch (flow.Direction)
        {
            case FlowDirection.Egress:
                Egress = Egress.With(flow.Verdict, flow.Count);
                break;
            case FlowDirection.Ingress:
                Ingress = Ingress.With(flow.Verdict, flow.Count);
                break;
            default:
                UnknownSide = UnknownSide.With(flow.Verdict, flow.Count);
                break;
        }

        Keep(_allowedBy, flow.AllowedBy);
        Keep(_deniedBy, flow.DeniedBy);
    }

    private static void Keep(SortedSet<string> names, IReadOnlyList<string> more)
    {
        foreach (var name in more)
        {
            if (names.Count >= MaxPolicyNames)
            {
                return;
            }

            names.Add(name);
        }
    }
}

/// <summary>Forwarded, dropped and other verdicts counted on one side of an edge.</summary>
public readonly record struct FlowSideCounts(long Forwarded, long Dropped, long Other)
{
    public long Total => Forwarded + Dropped + Other;

    internal FlowSideCounts With(FlowVerdict verdict, long count) => verdict switch
    {
        FlowVerdict.Forwarded => this with { Forwarded = Forwarded + count },
        FlowVerdict.Dropped => this with { Dropped = Dropped + count },
        _ => this with { Other = Other + count },
    };
}
