using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// The connections between existing pods, with a source or destination in a planned namespace, that change between
/// before and after: those allowed before and denied after (lost), and those denied before and allowed after (opened,
/// which a plan must never have). Per destination container port, or "any port" when the destination declares none;
/// an opened connection also lists what opens beyond the declared ports. Computed once per pair of pod classes, then
/// listed per pod.
/// </summary>
internal static class ImpactPreview
{
    public static Impact Compute(ReachabilityEngine before, ReachabilityEngine after, IReadOnlySet<string> planned)
    {
        var pods = before.Index.Pods;
        var keys = PodClass.SelectedKeys(before.Index.Snapshot.NetworkPolicies.Concat(after.Index.Snapshot.NetworkPolicies));
        var sources = PodClass.Group(pods, byPorts: false, keys);
        var destinations = PodClass.Group(pods, byPorts: true, keys);
        var lost = new List<LostConnection>();
        var opened = new List<OpenedConnection>();
        foreach (var source in sources)
        {
            foreach (var destination in destinations)
            {
                if (!planned.Contains(source.Namespace) && !planned.Contains(destination.Namespace))
                {
                    continue;
                }

                var from = Party.Of(source.Representative);
                var to = Party.Of(destination.Representative);
                var was = before.TrafficBetween(from, to);
                var now = after.TrafficBetween(from, to);
                var cut = was.IsEmpty ? [] : Lost(was, now, destination.Representative);
                var open = Opened(was, now, destination.Representative);
                if (cut.Count == 0 && open.Count == 0)
                {
                    continue;
                }

                foreach (var src in source.Members)
                {
                    foreach (var dst in destination.Members)
                    {
                        if (ReferenceEquals(src, dst))
                        {
                            continue; // A pod cannot block access to itself.
                        }

                        lost.AddRange(cut.Select(item => new LostConnection(Key(src), Key(dst), item)));
                        opened.AddRange(open.Select(item => new OpenedConnection(Key(src), Key(dst), item)));
                    }
                }
            }
        }

        lost.Sort(static (a, b) => Compare(a.From, a.To, a.Traffic, b.From, b.To, b.Traffic));
        opened.Sort(static (a, b) => Compare(a.From, a.To, a.Traffic, b.From, b.To, b.Traffic));
        return new Impact(lost, opened);
    }

    private static int Compare(string fromA, string toA, string trafficA, string fromB, string toB, string trafficB)
    {
        var order = string.CompareOrdinal(fromA, fromB);
        order = order != 0 ? order : string.CompareOrdinal(toA, toB);
        return order != 0 ? order : string.CompareOrdinal(trafficA, trafficB);
    }

    // Everything allowed after and not before: each declared port that opens, then whatever else opens.
    private static List<string> Opened(PortSet was, PortSet now, PodInfo destination)
    {
        var result = new List<string>();
        var extra = now.Except(was);
        if (extra.IsEmpty)
        {
            return result;
        }

        var declared = PortSet.Empty;
        foreach (var port in destination.ContainerPorts ?? [])
        {
            if (TransportProtocols.TryParse(port.Protocol, out var protocol) && port.Port is >= PortSet.MinPort and <= PortSet.MaxPort)
            {
                declared = declared.Union(PortSet.Range(protocol, port.Port, port.Port));
                if (extra.Contains(protocol, port.Port))
                {
                    result.Add(Describe(port, protocol));
                }
            }
        }

        var rest = extra.Except(declared);
        if (!rest.IsEmpty)
        {
            result.Add(declared.IsEmpty ? rest.ToString() : $"undeclared ports: {rest}");
        }

        return result;
    }

    private static List<string> Lost(PortSet was, PortSet now, PodInfo destination)
    {
        var result = new List<string>();
        if (destination.ContainerPorts is { Count: > 0 } ports)
        {
            foreach (var port in ports)
            {
                if (TransportProtocols.TryParse(port.Protocol, out var protocol)
                    && was.Contains(protocol, port.Port)
                    && !now.Contains(protocol, port.Port))
                {
                    result.Add(Describe(port, protocol));
                }
            }

            return result;
        }

        var missing = was.Except(now);
        if (!missing.IsEmpty)
        {
            result.Add(missing.ToString());
        }

        return result;
    }

    private static string Describe(ContainerPort port, TransportProtocol protocol) =>
        string.IsNullOrEmpty(port.Name)
            ? FormattableString.Invariant($"{port.Port}/{protocol.ToKubernetes()}")
            : FormattableString.Invariant($"{port.Port}/{protocol.ToKubernetes()} ({port.Name})");

    private static string Key(PodInfo pod) => SnapshotIndex.Key(pod.Namespace, pod.Name);
}
