using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// The traffic one simulated cluster carried over <see cref="WindowStart"/> to <see cref="WindowEnd"/>, as the Cilium
/// dataplane reports it (flow logs are stored for the Cilium dataplane only, so other clusters have none). Deterministic
/// from (seed, cluster). Per application namespace with pods (CRD-policy namespaces are left out, as a flow-log filter
/// would): every workload asks kube-dns on 53/UDP, every workload but <c>api</c> calls <c>api</c> on 8080/TCP,
/// <c>api</c> calls the second workload on 8080/TCP, and one client of a namespace without policies calls the
/// <c>api</c> of every default-deny namespace. Verdicts follow the cluster's policies (the styles of
/// <see cref="SimulatedClusterObjects"/>): an allowed call is forwarded at the source's egress and the destination's
/// ingress and answered by a reply; a denied one is dropped where the first policy denies it, with that policy in
/// <c>egress_denied_by</c>/<c>ingress_denied_by</c>. A cluster whose plan says it does not enforce
/// (<see cref="SimulatedClusterPlan.EnforcesPolicies"/> false) forwards everything. CronJobs never fire in the window.
/// </summary>
public sealed class SimulatedClusterFlows
{
    public const int DnsPort = 53;
    public const int AppPort = 8080;

    /// <summary>The window every simulated flow falls in (24 hours).</summary>
    public static readonly DateTimeOffset WindowStart = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset WindowEnd = WindowStart.AddDays(1);

    private readonly SimulatedClusterObjects _objects;
    private readonly int _seed;

    internal SimulatedClusterFlows(SimulatedClusterObjects objects, int seed)
    {
        _objects = objects;
        _seed = seed;
    }

    public SimulatedClusterPlan Plan => _objects.Plan;

    /// <summary>Whether the cluster has stored flow logs: running, with a ready Cilium dataplane.</summary>
    public static bool HasFlowLogs(SimulatedClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan is { Stopped: false, Engine: SimulatedEngine.Cilium, EngineReady: true };
    }

    public static SimulatedClusterFlows For(SimulatedClusterPlan plan, int seed) => new(new SimulatedClusterObjects(plan, seed), seed);

    /// <summary>The calls the workloads made, each with the side that dropped it (null: forwarded end to end).</summary>
    public IEnumerable<SimulatedCall> Calls()
    {
        if (!HasFlowLogs(Plan))
        {
            yield break;
        }

        var dns = Plan.Namespaces.FirstOrDefault(n => n.Name == "kube-system" && n.PodCount > 0);
        var client = Plan.Namespaces.FirstOrDefault(n => n.Style == PolicyStyle.Missing && n.PodCount > 0);
        foreach (var ns in Plan.Namespaces)
        {
            if (!Carries(ns))
            {
                continue;
            }

            var fired = Enumerable.Range(0, ns.Workloads).Where(w => !SimulatedClusterObjects.IsCronJob(ns, w)).ToList();
            foreach (var w in fired)
            {
                if (dns is not null)
                {
                    yield return Call(ns, w, dns, 0, "UDP", DnsPort);
                }

                if (w != 0)
                {
                    yield return Call(ns, w, ns, 0, "TCP", AppPort);
                }
            }

            if (fired.Contains(1))
            {
                yield return Call(ns, 0, ns, 1, "TCP", AppPort);
            }

            if (ns.Style == PolicyStyle.DefaultDeny && client is not null && !ReferenceEquals(client, ns))
            {
                yield return Call(client, 0, ns, 0, "TCP", AppPort);
            }
        }
    }

    /// <summary>Writes the cluster's flows as Hubble JSON lines (<c>hubble observe -o json</c>), in time order per call.</summary>
    public void WriteHubble(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var sequence = 0;
        foreach (var call in Calls())
        {
            foreach (var (time, index) in Times(call))
            {
                var port = 32768 + ((index * 7919) % 28000);
                writer.WriteLine(Line(call, time, "EGRESS", call.DroppedAt == FlowSide.Egress ? "DROPPED" : "FORWARDED", reply: false, port, ++sequence));
                if (call.DroppedAt == FlowSide.Egress)
                {
                    continue;
                }

                writer.WriteLine(Line(call, time, "INGRESS", call.DroppedAt == FlowSide.Ingress ? "DROPPED" : "FORWARDED", reply: false, port, ++sequence));
                if (call.DroppedAt is null)
                {
                    writer.WriteLine(Line(call, time.AddMilliseconds(1), "EGRESS", "FORWARDED", reply: true, port, ++sequence));
                }
            }
        }
    }

    /// <summary>
    /// The answer of the query API to <c>ContainerNetworkLogsQuery</c> for this cluster: its result table (one row per
    /// connection, verdict and observation side; replies left out), in the service's response envelope.
    /// </summary>
    public byte[] QueryAnswer()
    {
        string[] columns =
        [
            "Verdict", "TrafficDirection", "SourceNamespace", "SourceWorkload", "SourcePod", "SourceIP", "DestinationNamespace",
            "DestinationWorkload", "DestinationPod", "DestinationIP", "Protocol", "DestinationPort", "Count", "FirstSeen",
            "LastSeen", "SampleSourcePod", "SampleDestinationPod", "SourceLabels", "DestinationLabels", "EgressAllowedBy",
            "IngressAllowedBy",
        ];
        string[] types =
        [
            "string", "string", "string", "string", "string", "string", "string", "string", "string", "string", "string", "int",
            "long", "datetime", "datetime", "string", "string", "string", "string", "dynamic", "dynamic",
        ];
        var rows = new JsonArray();
        foreach (var call in Calls())
        {
            var times = Times(call).Select(t => t.Time).ToList();
            foreach (var direction in (ReadOnlySpan<FlowSide>)[FlowSide.Egress, FlowSide.Ingress])
            {
                if (direction == FlowSide.Ingress && call.DroppedAt == FlowSide.Egress)
                {
                    continue;
                }

                var verdict = call.DroppedAt == direction ? "DROPPED" : "FORWARDED";
                var allowed = verdict == "FORWARDED" ? call.AllowedBy(direction) : null;
                rows.Add(new JsonArray(
                    verdict,
                    direction == FlowSide.Egress ? "EGRESS" : "INGRESS",
                    call.From.Namespace,
                    "Deployment/" + call.From.Workload,
                    string.Empty,
                    string.Empty,
                    call.To.Namespace,
                    "Deployment/" + call.To.Workload,
                    string.Empty,
                    string.Empty,
                    call.Protocol,
                    call.Port,
                    times.Count,
                    Time(times[0]),
                    Time(times[^1]),
                    call.From.Pod,
                    call.To.Pod,
                    Labels(call.From).ToJsonString(),
                    Labels(call.To).ToJsonString(),
                    new JsonArray(direction == FlowSide.Egress && allowed is not null ? PolicyList(call.From.Namespace, allowed).ToJsonString() : "[]").ToJsonString(),
                    new JsonArray(direction == FlowSide.Ingress && allowed is not null ? PolicyList(call.To.Namespace, allowed).ToJsonString() : "[]").ToJsonString()));
            }
        }

        var table = new JsonObject
        {
            ["name"] = "PrimaryResult",
            ["columns"] = new JsonArray([.. columns.Select((c, i) => (JsonNode)new JsonObject { ["name"] = c, ["type"] = types[i] })]),
            ["rows"] = rows,
        };
        return Encoding.UTF8.GetBytes(new JsonObject { ["tables"] = new JsonArray(table) }.ToJsonString());
    }

    /// <summary>Namespaces whose traffic is simulated: application namespaces with pods and NetworkPolicy styles.</summary>
    private static bool Carries(NamespacePlan ns) =>
        ns.PodCount > 0 && ns.Style is PolicyStyle.DefaultDeny or PolicyStyle.Missing or PolicyStyle.AllowAll or PolicyStyle.Dead or PolicyStyle.Partial;

    private SimulatedCall Call(NamespacePlan fromNs, int fromWorkload, NamespacePlan toNs, int toWorkload, string protocol, int port)
    {
        var from = Endpoint(fromNs, fromWorkload);
        var to = Endpoint(toNs, toWorkload);
        var (egressAllowed, egressPolicy) = Egress(fromNs, toNs, protocol, port);
        var (ingressAllowed, ingressPolicy) = Ingress(fromNs, toNs, toWorkload);
        FlowSide? dropped = !Plan.EnforcesPolicies ? null : !egressAllowed ? FlowSide.Egress : !ingressAllowed ? FlowSide.Ingress : null;
        return new SimulatedCall(from, to, protocol, port, dropped, Plan.EnforcesPolicies ? egressPolicy : null, Plan.EnforcesPolicies ? ingressPolicy : null, Events(from, to, port));
    }

    /// <summary>Whether the source's egress policies admit the call, and the policy that decides it (null: unselected).</summary>
    /// <remarks>Without its deny-all (a planned drift), allow-dns-egress still isolates every pod's egress.</remarks>
    private static (bool Allowed, string? Policy) Egress(NamespacePlan from, NamespacePlan to, string protocol, int port) =>
        from.Style == PolicyStyle.DefaultDeny
            ? to.Name == "kube-system" && protocol == "UDP" && port == DnsPort
                ? (true, "allow-dns-egress")
                : (false, SimulatedClusterObjects.DefaultDenyName(from) ?? "allow-dns-egress")
            : (true, null);

    /// <summary>Whether the destination's ingress policies admit the call, and the policy that decides it (null: unselected).</summary>
    private static (bool Allowed, string? Policy) Ingress(NamespacePlan from, NamespacePlan to, int toWorkload) => to.Style switch
    {
        PolicyStyle.DefaultDeny when toWorkload == 0 => ReferenceEquals(from, to) ? (true, "allow-api-from-namespace") : (false, SimulatedClusterObjects.DefaultDenyName(to) ?? "allow-api-from-namespace"),
        PolicyStyle.DefaultDeny => SimulatedClusterObjects.DefaultDenyName(to) is { } deny ? (false, deny) : (true, null),
        PolicyStyle.AllowAll => (true, "allow-all"),
        PolicyStyle.Partial when toWorkload == 0 => (from.Name.Split('-')[0] == to.Name.Split('-')[0], "api-ingress"),
        _ => (true, null),
    };

    private FlowEndpoint Endpoint(NamespacePlan ns, int workload)
    {
        var (index, pod) = _objects.FirstPodOf(ns, workload);
        var address = string.Create(CultureInfo.InvariantCulture, $"10.244.{(index >> 8) & 255}.{(index & 255) + 1}");
        var labelKey = pod.Workload == "coredns" ? "k8s-app" : "app";
        var labelValue = pod.Workload == "coredns" ? "kube-dns" : pod.Workload;
        return new FlowEndpoint(ns.Name, pod.Workload, pod.Name, address, labelKey, labelValue, 40000 + index);
    }

    private int Events(FlowEndpoint from, FlowEndpoint to, int port)
    {
        var random = new DeterministicRandom(_seed, Plan.Index, StableHash(from.Pod + ">" + to.Pod + ":" + port.ToString(CultureInfo.InvariantCulture)));
        return random.Next(2, 6);
    }

    private IEnumerable<(DateTimeOffset Time, int Index)> Times(SimulatedCall call)
    {
        var random = new DeterministicRandom(_seed, Plan.Index, StableHash(call.From.Pod + "@" + call.To.Pod + ":" + call.Port.ToString(CultureInfo.InvariantCulture)));
        var span = (WindowEnd - WindowStart).Ticks / call.Events;
        for (var i = 0; i < call.Events; i++)
        {
            var offset = (span * i) + (long)(random.NextDouble() * (span - TimeSpan.TicksPerSecond));
            yield return (WindowStart.AddTicks(offset - (offset % TimeSpan.TicksPerMillisecond)), i);
        }
    }

    private string Line(SimulatedCall call, DateTimeOffset time, string direction, string verdict, bool reply, int sourcePort, int sequence)
    {
        var (source, destination) = reply ? (call.To, call.From) : (call.From, call.To);
        var observer = direction == "EGRESS" ^ reply ? call.From : call.To;
        var node = Node(observer);
        var l4 = new JsonObject
        {
            ["source_port"] = reply ? call.Port : sourcePort,
            ["destination_port"] = reply ? sourcePort : call.Port,
        };
        var flow = new JsonObject
        {
            ["time"] = Time(time),
            ["uuid"] = Uuid(sequence),
            ["verdict"] = verdict,
            ["IP"] = new JsonObject { ["source"] = source.Address, ["destination"] = destination.Address, ["ipVersion"] = "IPv4" },
            ["l4"] = new JsonObject { [call.Protocol] = l4 },
            ["source"] = Peer(source),
            ["destination"] = Peer(destination),
            ["Type"] = "L3_L4",
            ["node_name"] = node,
            ["event_type"] = new JsonObject { ["type"] = verdict == "DROPPED" ? 1 : 4 },
            ["traffic_direction"] = direction,
            ["trace_observation_point"] = direction == "EGRESS" ? "TO_STACK" : "TO_ENDPOINT",
            ["is_reply"] = reply,
            ["Summary"] = call.Protocol,
        };
        var side = direction == "EGRESS" ? FlowSide.Egress : FlowSide.Ingress;
        if (verdict == "DROPPED")
        {
            flow["drop_reason_desc"] = "POLICY_DENIED";
            if (call.AllowedBy(side) is null && call.DeniedBy(side) is { } denied)
            {
                flow[side == FlowSide.Egress ? "egress_denied_by" : "ingress_denied_by"] = PolicyList(side == FlowSide.Egress ? call.From.Namespace : call.To.Namespace, denied);
            }
        }
        else if (!reply && call.AllowedBy(side) is { } allowed)
        {
            flow[side == FlowSide.Egress ? "egress_allowed_by" : "ingress_allowed_by"] = PolicyList(side == FlowSide.Egress ? call.From.Namespace : call.To.Namespace, allowed);
        }

        return new JsonObject { ["flow"] = flow, ["node_name"] = node, ["time"] = Time(time) }.ToJsonString();
    }

    private JsonObject Peer(FlowEndpoint end) => new()
    {
        ["ID"] = end.Identity,
        ["identity"] = end.Identity,
        ["cluster_name"] = Plan.Name,
        ["namespace"] = end.Namespace,
        ["labels"] = Labels(end),
        ["pod_name"] = end.Pod,
        ["workloads"] = new JsonArray(new JsonObject { ["name"] = end.Workload, ["kind"] = "Deployment" }),
    };

    private static JsonArray Labels(FlowEndpoint end) => new($"k8s:{end.LabelKey}={end.LabelValue}", $"k8s:io.kubernetes.pod.namespace={end.Namespace}");

    private static JsonArray PolicyList(string ns, string name) =>
        new(new JsonObject { ["name"] = name, ["namespace"] = ns, ["kind"] = "NetworkPolicy" });

    private string Node(FlowEndpoint end) =>
        string.Create(CultureInfo.InvariantCulture, $"{Plan.Name}/aks-nodepool1-12345678-vmss00000{end.Identity % 3}");

    private string Uuid(int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{Plan.Index:D8}-0000-4000-9000-{sequence:D12}");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff'000000Z'", CultureInfo.InvariantCulture);

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}

/// <summary>Where a simulated call was dropped.</summary>
public enum FlowSide
{
    Egress,
    Ingress,
}

/// <summary>One end of a simulated call: a pod of a workload, with its address, app label and Cilium identity.</summary>
public sealed record FlowEndpoint(string Namespace, string Workload, string Pod, string Address, string LabelKey, string LabelValue, int Identity);

/// <summary>
/// A call one pod made to another, <see cref="Events"/> times in the window: dropped at <see cref="DroppedAt"/> or
/// forwarded end to end, with the policies that decided each side (null where no policy selects the pod).
/// </summary>
public sealed record SimulatedCall(FlowEndpoint From, FlowEndpoint To, string Protocol, int Port, FlowSide? DroppedAt, string? EgressPolicy, string? IngressPolicy, int Events)
{
    /// <summary>The policy that allowed the side, when one selects the pod and allows it.</summary>
    public string? AllowedBy(FlowSide side) => DroppedAt == side || (side == FlowSide.Ingress && DroppedAt == FlowSide.Egress) ? null : side == FlowSide.Egress ? EgressPolicy : IngressPolicy;

    /// <summary>The policy that denied the side, when it was dropped there.</summary>
    public string? DeniedBy(FlowSide side) => DroppedAt == side ? (side == FlowSide.Egress ? EgressPolicy : IngressPolicy) : null;
}
