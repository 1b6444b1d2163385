using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Flows.FlowTestData;

namespace NetPolGovernance.Analysis.Tests.Flows;

public sealed class FlowAggregatorTests
{
    private static readonly FlowEndpoint s_web1 = PodEnd("shop", "web-7d9f8-abcde", "Deployment/web", "app=web");
    private static readonly FlowEndpoint s_web2 = PodEnd("shop", "web-7d9f8-fghij", "Deployment/web", "app=web");
    private static readonly FlowEndpoint s_db = PodEnd("shop", "db-0", "StatefulSet/db", "app=db");

    [Fact]
    public void PodsOfOneWorkload_AggregateIntoOneEdge_WithFirstLastAndCount()
    {
        var traffic = Traffic(
            Flow(s_web1, s_db, 5432, minute: 5),
            Flow(s_web2, s_db, 5432, minute: 1),
            Flow(s_web1, s_db, 5432, minute: 9, direction: FlowDirection.Ingress));

        var edge = Assert.Single(traffic.Edges);
        Assert.Equal("shop/Deployment/web", edge.Key.Source.ToString());
        Assert.Equal("shop/StatefulSet/db", edge.Key.Destination.ToString());
        Assert.Equal(3, edge.Count);
        Assert.Equal(Start.AddMinutes(1), edge.FirstSeen);
        Assert.Equal(Start.AddMinutes(9), edge.LastSeen);
        Assert.Equal(2, edge.Egress.Forwarded);
        Assert.Equal(1, edge.Ingress.Forwarded);
    }

    [Fact]
    public void Replies_NeverCountAsDemand()
    {
        var traffic = Traffic(
            Flow(s_web1, s_db, 5432),
            Flow(s_db, s_web1, 40312, reply: true));

        var edge = Assert.Single(traffic.Edges);
        Assert.Equal(5432, edge.Key.Port);
        Assert.Equal(1, traffic.Replies);
        Assert.DoesNotContain(traffic.Edges, e => e.Key.Source.ToString() == "shop/StatefulSet/db");
    }

    [Fact]
    public void DistinctPortsProtocolsAndVerdicts_AreKeptApart_AndCounted()
    {
        var traffic = Traffic(
            Flow(s_web1, s_db, 5432),
            Flow(s_web1, s_db, 5433, verdict: FlowVerdict.Dropped),
            Flow(s_web1, s_db, 5432, protocol: TransportProtocol.Udp),
            Flow(s_web1, s_db, 5432, verdict: FlowVerdict.Dropped));

        Assert.Equal(3, traffic.Edges.Count);
        var tcp = traffic.Edges.Single(e => e.Key.Port == 5432 && e.Key.Protocol == TransportProtocol.Tcp);
        Assert.Equal(1, tcp.Forwarded);
        Assert.Equal(1, tcp.Dropped);
    }

    [Fact]
    public void FlowsWithoutAPortOrAnIdentifiableEnd_AreLeftOutAndCounted()
    {
        var icmp = Flow(s_web1, s_db, 1) with { Protocol = null, DestinationPort = null };
        var nowhere = Flow(new FlowEndpoint(), s_db, 80);

        var traffic = Traffic(icmp, nowhere, Flow(s_web1, s_db, 80, reply: null));

        Assert.Single(traffic.Edges);
        Assert.Equal(1, traffic.WithoutPort);
        Assert.Equal(1, traffic.Unidentified);
        Assert.Equal(1, traffic.ReplyUnknown);
        Assert.Equal(3, traffic.Flows);
    }

    [Fact]
    public void PodWithoutOwner_AndAddress_ArePeersOfTheirOwn()
    {
        var bare = PodEnd("shop", "debug-pod");
        var traffic = Traffic(Flow(bare, AddressEnd("20.50.1.2"), 443));

        var edge = Assert.Single(traffic.Edges);
        Assert.Equal(FlowPeerKind.Pod, edge.Key.Source.Kind);
        Assert.Equal("shop/debug-pod", edge.Key.Source.ToString());
        Assert.Equal("ip:20.50.1.2", edge.Key.Destination.ToString());
    }

    [Fact]
    public void PreAggregatedRows_AddTheirCountsAndFirstTimes()
    {
        var row = Flow(s_web1, s_db, 5432, minute: 30) with { Count = 40, FirstTime = Start };
        var traffic = Traffic(row, Flow(s_web2, s_db, 5432, minute: 10));

        var edge = Assert.Single(traffic.Edges);
        Assert.Equal(41, edge.Count);
        Assert.Equal(Start, edge.FirstSeen);
        Assert.Equal(Start.AddMinutes(30), edge.LastSeen);
        Assert.Equal(41, traffic.Flows);
    }

    [Fact]
    public void Memory_GrowsWithEdgesNotWithLines()
    {
        var aggregator = new FlowAggregator();
        for (var i = 0; i < 50_000; i++)
        {
            aggregator.Add(Flow(i % 2 == 0 ? s_web1 : s_web2, s_db, 5432 + (i % 3), minute: i % 600));
        }

        Assert.Equal(3, aggregator.EdgeCount);
        Assert.Equal(50_000, aggregator.Flows);
    }
}
