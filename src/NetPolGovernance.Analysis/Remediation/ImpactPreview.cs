using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// The connections between existing pods, with a source or destination in a planned namespace, that are allowed
/// before and denied after: per destination container port, or "any port" when the destination declares none.
/// Computed once per pair of pod classes, then listed per pod.
/// </summary>
internal static class ImpactPreview
{
    public static IReadOnlyList<LostConnection> Compute(ReachabilityEngine before, ReachabilityEngine after, IReadOnlySet<string> planned)
    {
        var pods = before.Index.Pods;
        var keys = PodClass.SelectedKeys(before.Index.Snapshot.NetworkPolicies.Concat(after.Index.Snapshot.NetworkPolicies));
        var sources = PodClass.Group(pods, byPorts: false, keys);
        var destinations = PodClass.Group(pods, byPorts: true, keys);
        var lost = new List<LostConnection>();
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
                if (was.IsEmpty)
                {
                    continue;
                }

                var now = after.TrafficBetween(from, to);
                var traffic = Lost(was, now, destination.Representative);
                if (traffic.Count == 0)
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

                        foreach (var item in traffic)
                        {
                            lost.Add(new LostConnection(Key(src), Key(dst), item));
                        }
                    }
                }
            }
        }

        lost.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.From, b.From);
            order = order != 0 ? order : string.CompareOrdinal(a.To, b.To);
            return order != 0 ? order : string.CompareOrdinal(a.Traffic, b.Traffic);
        });
        return lost;
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
