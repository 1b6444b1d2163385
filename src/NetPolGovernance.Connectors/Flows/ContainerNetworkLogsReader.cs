using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// Reads observed connections of one AKS cluster from <c>ContainerNetworkLogs</c> through the query API
/// (<see cref="ContainerNetworkLogsQuery"/>): each summarized row becomes one pre-aggregated <see cref="ObservedFlow"/>
/// (count, first and last seen) fed to the aggregator. An answer at the row cap is refused, never cut.
/// </summary>
public static class ContainerNetworkLogsReader
{
    public static async Task<int> ReadAsync(
        LogAnalyticsQueryClient client,
        string scope,
        bool isWorkspace,
        TimeSpan window,
        IFlowSink into,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(into);
        using var table = isWorkspace
            ? await client.QueryWorkspaceAsync(scope, ContainerNetworkLogsQuery.Text, window, cancellationToken).ConfigureAwait(false)
            : await client.QueryResourceAsync(scope, ContainerNetworkLogsQuery.Text, window, cancellationToken).ConfigureAwait(false);
        if (table.Rows.Count > ContainerNetworkLogsQuery.MaxRows)
        {
            throw new LogAnalyticsQueryException(200, string.Create(CultureInfo.InvariantCulture, $"more than {ContainerNetworkLogsQuery.MaxRows} connections in the window; shorten --since"));
        }

        foreach (var row in table.Rows)
        {
            if (Decode(table, row) is { } flow)
            {
                into.Add(flow);
            }
        }

        return table.Rows.Count;
    }

    internal static ObservedFlow? Decode(QueryResultTable table, JsonElement row)
    {
        var last = Time(table.Cell(row, "LastSeen"));
        if (last is null)
        {
            return null;
        }

        var protocolText = Text(table.Cell(row, "Protocol"));
        TransportProtocol? protocol = protocolText is { Length: > 0 } && TransportProtocols.TryParse(protocolText, out var parsed) ? parsed : null;
        return new ObservedFlow
        {
            Time = last.Value,
            FirstTime = Time(table.Cell(row, "FirstSeen")),
            Count = Long(table.Cell(row, "Count")) ?? 1,
            Verdict = FlowFields.Verdict(table.Cell(row, "Verdict")),
            Direction = FlowFields.Direction(table.Cell(row, "TrafficDirection")),
            IsReply = false,
            Protocol = protocol,
            DestinationPort = Long(table.Cell(row, "DestinationPort")) is { } port and >= 1 and <= 65535 ? (int)port : null,
            Source = Endpoint(table, row, "Source"),
            Destination = Endpoint(table, row, "Destination"),
            AllowedBy = [.. Policies(table.Cell(row, "EgressAllowedBy")), .. Policies(table.Cell(row, "IngressAllowedBy"))],
        };
    }

    private static FlowEndpoint Endpoint(QueryResultTable table, JsonElement row, string side)
    {
        var ns = Text(table.Cell(row, side + "Namespace"));
        return new FlowEndpoint
        {
            Namespace = ns is { Length: > 0 } ? ns : null,
            Workload = Text(table.Cell(row, side + "Workload")) is { Length: > 0 } w ? w : null,
            PodName = (Text(table.Cell(row, side + "Pod")) is { Length: > 0 } pod ? pod : null) ?? (Text(table.Cell(row, "Sample" + side + "Pod")) is { Length: > 0 } sample ? sample : null),
            Address = FlowFields.Address(Text(table.Cell(row, side + "IP"))),
            Labels = FlowFields.Labels(Parsed(table.Cell(row, side + "Labels"))),
        };
    }

    private static IEnumerable<string> Policies(JsonElement? cell)
    {
        if (Parsed(cell) is not { ValueKind: JsonValueKind.Array } sets)
        {
            yield break;
        }

        foreach (var item in sets.EnumerateArray())
        {
            foreach (var name in FlowFields.PolicyNames(Parsed(item)))
            {
                yield return name;
            }
        }
    }

    /// <summary>A dynamic cell: JSON text is parsed, anything else returned as it is.</summary>
    private static JsonElement? Parsed(JsonElement? cell)
    {
        if (cell is { ValueKind: JsonValueKind.String } text && text.GetString() is { Length: > 1 } json && (json[0] == '[' || json[0] == '{'))
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return cell;
    }

    private static string? Text(JsonElement? cell) => cell is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    private static long? Long(JsonElement? cell) => cell switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };

    private static DateTimeOffset? Time(JsonElement? cell) => Text(cell) is { } text ? FlowFields.ParseTime(text) : null;
}
