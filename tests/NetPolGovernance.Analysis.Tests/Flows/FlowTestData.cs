using System.Net;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Flows;

/// <summary>Small builders for observed flows: a pod end, an address end, and one flow event between them.</summary>
internal static class FlowTestData
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    public static FlowEndpoint PodEnd(string ns, string pod, string? workload = null, params string[] labels) =>
        new() { Namespace = ns, PodName = pod, Workload = workload, Labels = Labels(labels) };

    public static FlowEndpoint AddressEnd(string address) => new() { Address = IPAddress.Parse(address) };

    public static ObservedFlow Flow(
        FlowEndpoint from,
        FlowEndpoint to,
        int port,
        int minute = 0,
        FlowVerdict verdict = FlowVerdict.Forwarded,
        FlowDirection direction = FlowDirection.Egress,
        bool? reply = false,
        TransportProtocol protocol = TransportProtocol.Tcp) =>
        new()
        {
            Time = Start.AddMinutes(minute),
            Verdict = verdict,
            Direction = direction,
            IsReply = reply,
            Source = from,
            Destination = to,
            Protocol = protocol,
            DestinationPort = port,
        };

    public static ObservedTraffic Traffic(params ObservedFlow[] flows)
    {
        var aggregator = new FlowAggregator();
        foreach (var flow in flows)
        {
            aggregator.Add(flow);
        }

        return aggregator.Result();
    }
}
