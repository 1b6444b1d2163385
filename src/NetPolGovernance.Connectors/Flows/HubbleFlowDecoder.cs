using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Analysis.Flows;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// Decodes one Hubble flow (Cilium's <c>flow.proto</c> in JSON: <c>hubble observe -o json</c>, the ACNS node file,
/// exporters) into an <see cref="ObservedFlow"/>. A line is <c>{"flow":{...}}</c>, optionally with <c>time</c> and
/// <c>node_name</c> beside it, or the flow object itself. Lines of other kinds (<c>node_status</c>,
/// <c>lost_events</c>) are not flows and are skipped. Each object is walked once; field names are matched ignoring case
/// and underscores, so proto names (<c>drop_reason_desc</c>) and protobuf JSON names (<c>dropReasonDesc</c>) both read.
/// </summary>
internal static class HubbleFlowDecoder
{
    /// <summary>The flow of a line, or null when the line holds no flow; throws <see cref="FormatException"/> for a flow without a time.</summary>
    public static ObservedFlow? Decode(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a line must be a JSON object");
        }

        JsonElement flow;
        if (root.TryGetProperty("flow", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object)
        {
            flow = wrapped;
        }
        else if (root.TryGetProperty("verdict", out _) || root.TryGetProperty("IP", out _) || root.TryGetProperty("source", out _))
        {
            flow = root;
        }
        else
        {
            return null;
        }

        var fields = new FlowObject();
        foreach (var property in flow.EnumerateObject())
        {
            fields.Take(property);
        }

        var time = (fields.Time is { ValueKind: JsonValueKind.String } t ? FlowFields.ParseTime(t.GetString()!) : null)
            ?? FlowFields.Time(root, "time")
            ?? throw new FormatException("the flow has no readable \"time\"");
        var (protocol, port) = FlowFields.Layer4(fields.Layer4);
        var source = Endpoint(fields.Source, fields.Ip is { } a ? FlowFields.String(a, "source") : null, fields.SourceNames, out var sourceCluster);
        var destination = Endpoint(fields.Destination, fields.Ip is { } b ? FlowFields.String(b, "destination") : null, fields.DestinationNames, out var destinationCluster);
        var direction = FlowFields.Direction(fields.Direction);
        return new ObservedFlow
        {
            Time = time,
            Verdict = FlowFields.Verdict(fields.Verdict),
            DropReason = fields.DropReason switch
            {
                { ValueKind: JsonValueKind.String } s => s.GetString(),
                { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                _ => null,
            },
            Direction = direction,
            IsReply = Bool(fields.IsReply) ?? Bool(fields.Reply),
            Source = source,
            Destination = destination,
            Protocol = protocol,
            DestinationPort = port,
            AllowedBy = Names(fields.EgressAllowedBy, fields.IngressAllowedBy),
            DeniedBy = Names(fields.EgressDeniedBy, fields.IngressDeniedBy),
            Cluster = ClusterOf(Text(fields.NodeName) ?? FlowFields.String(root, "node_name"), direction, sourceCluster, destinationCluster),
        };
    }

    /// <summary>
    /// The observing cluster: the <c>cluster/</c> prefix of the node name (Cilium writes <c>cluster/node</c>), else the
    /// <c>cluster_name</c> of the side that observed it, else of either end.
    /// </summary>
    private static string? ClusterOf(string? nodeName, FlowDirection direction, string? source, string? destination)
    {
        if (nodeName is { } node && node.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash)
        {
            return node[..slash];
        }

        return direction switch
        {
            FlowDirection.Ingress => destination ?? source,
            FlowDirection.Egress => source ?? destination,
            _ => source ?? destination,
        };
    }

    private static IReadOnlyList<string> Names(JsonElement? egress, JsonElement? ingress) =>
        egress is null && ingress is null ? [] : [.. FlowFields.PolicyNames(egress), .. FlowFields.PolicyNames(ingress)];

    private static bool? Bool(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.Object } wrapped => FlowFields.Bool(wrapped, "value"),
        _ => null,
    };

    private static FlowEndpoint Endpoint(JsonElement? endpoint, string? address, JsonElement? names, out string? cluster)
    {
        cluster = null;
        string? domain = null;
        if (names is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var name in list.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String)
                {
                    domain = name.GetString();
                    break;
                }
            }
        }

        if (endpoint is not { ValueKind: JsonValueKind.Object } value)
        {
            return new FlowEndpoint { Address = FlowFields.Address(address), DomainName = domain };
        }

        JsonElement? ns = null, pod = null, labels = null, workloads = null, clusterName = null;
        foreach (var property in value.EnumerateObject())
        {
            switch (Normalized(property.Name))
            {
                case "namespace":
                    ns = property.Value;
                    break;
                case "podname":
                    pod = property.Value;
                    break;
                case "labels":
                    labels = property.Value;
                    break;
                case "workloads":
                    workloads = property.Value;
                    break;
                case "clustername":
                    clusterName = property.Value;
                    break;
            }
        }

        cluster = Text(clusterName);

        return new FlowEndpoint
        {
            Namespace = Text(ns),
            PodName = Text(pod),
            Workload = FlowFields.Workload(workloads),
            Labels = FlowFields.Labels(labels),
            Address = FlowFields.Address(address),
            DomainName = domain,
        };
    }

    private static string? Text(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } s && s.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>Lower case without underscores: <c>pod_name</c> and <c>podName</c> are both <c>podname</c>.</summary>
    internal static string Normalized(string name)
    {
        var plain = true;
        foreach (var c in name)
        {
            if (c == '_' || char.IsAsciiLetterUpper(c))
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            return name;
        }

        var builder = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c != '_')
            {
                builder.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The fields of one flow object that the decoder reads, found in one walk.</summary>
    private struct FlowObject
    {
        public JsonElement? Time;
        public JsonElement? Verdict;
        public JsonElement? DropReason;
        public JsonElement? Direction;
        public JsonElement? IsReply;
        public JsonElement? Reply;
        public JsonElement? Ip;
        public JsonElement? Layer4;
        public JsonElement? Source;
        public JsonElement? Destination;
        public JsonElement? SourceNames;
        public JsonElement? DestinationNames;
        public JsonElement? EgressAllowedBy;
        public JsonElement? IngressAllowedBy;
        public JsonElement? EgressDeniedBy;
        public JsonElement? IngressDeniedBy;
        public JsonElement? NodeName;

        public void Take(JsonProperty property)
        {
            var value = property.Value;
            switch (Normalized(property.Name))
            {
                case "time":
                    Time = value;
                    break;
                case "verdict":
                    Verdict = value;
                    break;
                case "dropreasondesc":
                    DropReason = value;
                    break;
                case "trafficdirection":
                    Direction = value;
                    break;
                case "isreply":
                    IsReply = value;
                    break;
                case "reply":
                    Reply = value;
                    break;
                case "ip":
                    Ip = value;
                    break;
                case "l4":
                    Layer4 = value;
                    break;
                case "source":
                    Source = value;
                    break;
                case "destination":
                    Destination = value;
                    break;
                case "sourcenames":
                    SourceNames = value;
                    break;
                case "destinationnames":
                    DestinationNames = value;
                    break;
                case "egressallowedby":
                    EgressAllowedBy = value;
                    break;
                case "ingressallowedby":
                    IngressAllowedBy = value;
                    break;
                case "egressdeniedby":
                    EgressDeniedBy = value;
                    break;
                case "ingressdeniedby":
                    IngressDeniedBy = value;
                    break;
                case "nodename":
                    NodeName = value;
                    break;
            }
        }
    }
}
