using System.Text.Json;
using NetPolGovernance.Analysis.Flows;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// Decodes one Hubble flow (Cilium's <c>flow.proto</c> in JSON: <c>hubble observe -o json</c>, the ACNS node file,
/// exporters) into an <see cref="ObservedFlow"/>. A line is <c>{"flow":{...}}</c>, optionally with <c>time</c> and
/// <c>node_name</c> beside it, or the flow object itself. Lines of other kinds (<c>node_status</c>,
/// <c>lost_events</c>) are not flows and are skipped.
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

        var time = FlowFields.Time(flow, "time") ?? FlowFields.Time(root, "time")
            ?? throw new FormatException("the flow has no readable \"time\"");
        var ip = FlowFields.Get(flow, "IP");
        var (protocol, port) = FlowFields.Layer4(FlowFields.Get(flow, "l4"));
        var direction = FlowFields.Direction(FlowFields.Get(flow, "traffic_direction"));
        return new ObservedFlow
        {
            Time = time,
            Verdict = FlowFields.Verdict(FlowFields.Get(flow, "verdict")),
            DropReason = DropReason(flow),
            Direction = direction,
            IsReply = FlowFields.Bool(flow, "is_reply") ?? FlowFields.Bool(flow, "reply"),
            Source = Endpoint(FlowFields.Get(flow, "source"), ip is { } a ? FlowFields.String(a, "source") : null, FlowFields.Get(flow, "source_names")),
            Destination = Endpoint(FlowFields.Get(flow, "destination"), ip is { } b ? FlowFields.String(b, "destination") : null, FlowFields.Get(flow, "destination_names")),
            Protocol = protocol,
            DestinationPort = port,
            AllowedBy = [.. FlowFields.PolicyNames(FlowFields.Get(flow, "egress_allowed_by")), .. FlowFields.PolicyNames(FlowFields.Get(flow, "ingress_allowed_by"))],
            DeniedBy = [.. FlowFields.PolicyNames(FlowFields.Get(flow, "egress_denied_by")), .. FlowFields.PolicyNames(FlowFields.Get(flow, "ingress_denied_by"))],
        };
    }

    private static string? DropReason(JsonElement flow) =>
        FlowFields.String(flow, "drop_reason_desc")
        ?? (FlowFields.Int(flow, "drop_reason_desc") is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);

    private static FlowEndpoint Endpoint(JsonElement? endpoint, string? address, JsonElement? names)
    {
        var domain = names is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()).FirstOrDefault()
            : null;
        if (endpoint is not { ValueKind: JsonValueKind.Object } value)
        {
            return new FlowEndpoint { Address = FlowFields.Address(address), DomainName = domain };
        }

        return new FlowEndpoint
        {
            Namespace = FlowFields.String(value, "namespace") is { Length: > 0 } ns ? ns : null,
            PodName = FlowFields.String(value, "pod_name") is { Length: > 0 } pod ? pod : null,
            Workload = FlowFields.Workload(FlowFields.Get(value, "workloads")),
            Labels = FlowFields.Labels(FlowFields.Get(value, "labels")),
            Address = FlowFields.Address(address),
            DomainName = domain,
        };
    }
}
