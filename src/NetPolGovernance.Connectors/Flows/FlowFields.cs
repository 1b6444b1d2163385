using System.Globalization;
using System.Net;
using System.Text.Json;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// Reading flow fields the way the sources disagree on them: Hubble writes proto field names (<c>drop_reason_desc</c>)
/// or their JSON camel case (<c>dropReasonDesc</c>), enums as names or numbers, and <c>ContainerNetworkLogs</c> keeps
/// dynamic columns as JSON text or as objects, with <c>IP</c> spelled <c>Ip</c> in places. Names are matched exactly
/// first, then ignoring case and underscores.
/// </summary>
internal static class FlowFields
{
    private static readonly (string Name, TransportProtocol Protocol)[] s_protocols =
    [
        ("TCP", TransportProtocol.Tcp),
        ("UDP", TransportProtocol.Udp),
        ("SCTP", TransportProtocol.Sctp),
    ];

    public static JsonElement? Get(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(name, out var exact))
        {
            return Unwrap(exact);
        }

        foreach (var property in element.EnumerateObject())
        {
            if (Same(property.Name, name))
            {
                return Unwrap(property.Value);
            }
        }

        return null;
    }

    public static string? String(JsonElement element, string name) =>
        Get(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static int? Int(JsonElement element, string name) => Get(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    public static long? Long(JsonElement element, string name) => Get(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var i) => i,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    public static bool? Bool(JsonElement element, string name) => Get(element, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } s when bool.TryParse(s.GetString(), out var b) => b,
        { ValueKind: JsonValueKind.Object } wrapped => Bool(wrapped, "value"),
        _ => null,
    };

    public static DateTimeOffset? Time(JsonElement element, string name) =>
        String(element, name) is { } text ? ParseTime(text) : null;

    /// <summary>RFC 3339 with up to nanoseconds (Hubble writes nine fractional digits; .NET reads seven).</summary>
    public static DateTimeOffset? ParseTime(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }

    public static IPAddress? Address(string? text) =>
        text is { Length: > 0 } && IPAddress.TryParse(text, out var address) ? address : null;

    /// <summary>FORWARDED, DROPPED, AUDIT, ERROR (names or the flow.proto numbers 1, 2, 4, 3).</summary>
    public static FlowVerdict Verdict(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString()?.ToUpperInvariant() switch
        {
            "FORWARDED" => FlowVerdict.Forwarded,
            "DROPPED" => FlowVerdict.Dropped,
            "AUDIT" => FlowVerdict.Audit,
            "ERROR" => FlowVerdict.Error,
            _ => FlowVerdict.Other,
        },
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i switch
        {
            1 => FlowVerdict.Forwarded,
            2 => FlowVerdict.Dropped,
            3 => FlowVerdict.Error,
            4 => FlowVerdict.Audit,
            _ => FlowVerdict.Other,
        },
        _ => FlowVerdict.Other,
    };

    /// <summary>INGRESS, EGRESS (names or the flow.proto numbers 1, 2).</summary>
    public static FlowDirection Direction(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString()?.ToUpperInvariant() switch
        {
            "INGRESS" => FlowDirection.Ingress,
            "EGRESS" => FlowDirection.Egress,
            _ => FlowDirection.Unknown,
        },
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i switch
        {
            1 => FlowDirection.Ingress,
            2 => FlowDirection.Egress,
            _ => FlowDirection.Unknown,
        },
        _ => FlowDirection.Unknown,
    };

    /// <summary>The protocol and destination port of a <c>l4</c>/<c>Layer4</c> object: <c>{TCP:{destination_port}}</c> etc.</summary>
    public static (TransportProtocol? Protocol, int? Port) Layer4(JsonElement? l4)
    {
        if (l4 is not { ValueKind: JsonValueKind.Object } value)
        {
            return (null, null);
        }

        foreach (var (name, protocol) in s_protocols)
        {
            if (Get(value, name) is { ValueKind: JsonValueKind.Object } ports)
            {
                var port = Int(ports, "destination_port");
                return port is >= 1 and <= 65535 ? (protocol, port) : (protocol, null);
            }
        }

        return (null, null);
    }

    /// <summary>Pod labels from Cilium's <c>source:key=value</c> list: <c>k8s:</c> labels only, without Cilium's own.</summary>
    public static IReadOnlyDictionary<string, string> Labels(JsonElement? labels)
    {
        if (labels is not { ValueKind: JsonValueKind.Array } list)
        {
            return Analysis.Model.EmptyLabels.Instance;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { } text || !text.StartsWith("k8s:", StringComparison.Ordinal))
            {
                continue;
            }

            var pair = text.AsSpan(4);
            var eq = pair.IndexOf('=');
            var key = (eq < 0 ? pair : pair[..eq]).ToString();
            if (key.StartsWith("io.cilium.", StringComparison.Ordinal) || key.StartsWith("io.kubernetes.pod.namespace", StringComparison.Ordinal))
            {
                continue;
            }

            result[key] = eq < 0 ? string.Empty : pair[(eq + 1)..].ToString();
        }

        return result;
    }

    /// <summary>The top owner of a <c>workloads</c> list, <c>Kind/name</c>.</summary>
    public static string? Workload(JsonElement? workloads)
    {
        if (workloads is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        foreach (var item in list.EnumerateArray())
        {
            if (String(item, "kind") is { Length: > 0 } kind && String(item, "name") is { Length: > 0 } name)
            {
                return $"{kind}/{name}";
            }
        }

        return null;
    }

    /// <summary>Policy names of an <c>*_allowed_by</c>/<c>*_denied_by</c> list: <c>ns/name</c>, or <c>name</c> when cluster-wide.</summary>
    public static IEnumerable<string> PolicyNames(JsonElement? policies)
    {
        if (policies is not { ValueKind: JsonValueKind.Array } list)
        {
            yield break;
        }

        foreach (var item in list.EnumerateArray())
        {
            if (String(item, "name") is not { Length: > 0 } name)
            {
                continue;
            }

            var kind = String(item, "kind");
            var ns = String(item, "namespace");
            var qualified = ns is { Length: > 0 } ? $"{ns}/{name}" : name;
            yield return kind is { Length: > 0 } ? $"{kind} {qualified}" : qualified;
        }
    }

    /// <summary>A dynamic column written as JSON text is read as the JSON it holds.</summary>
    private static JsonElement Unwrap(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 1 } text && (text[0] == '{' || text[0] == '['))
        {
            try
            {
                using var inner = JsonDocument.Parse(text);
                return inner.RootElement.Clone();
            }
            catch (JsonException)
            {
                return value;
            }
        }

        return value;
    }

    private static bool Same(string a, string b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && a[i] == '_')
            {
                i++;
            }

            while (j < b.Length && b[j] == '_')
            {
                j++;
            }

            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length;
            }

            if (char.ToUpperInvariant(a[i]) != char.ToUpperInvariant(b[j]))
            {
                return false;
            }

            i++;
            j++;
        }
    }
}
