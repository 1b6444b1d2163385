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

    /// <summary>
    /// The connections between pods and addresses outside the cluster that change: from each of
    /// <paramref name="addresses"/> to every pod (ingress), and from every pod to each address (egress). Addresses stand
    /// for the ranges around them (see <see cref="ExternalAddresses"/>); the pods are <paramref name="before"/>'s.
    /// </summary>
    public static Impact ComputeExternal(ReachabilityEngine before, ReachabilityEngine after, IReadOnlyList<System.Net.IPAddress> addresses)
    {
        var pods = before.Index.Pods;
        var keys = PodClass.SelectedKeys(before.Index.Snapshot.NetworkPolicies.Concat(after.Index.Snapshot.NetworkPolicies));
        var lost = new List<LostConnection>();
        var opened = new List<OpenedConnection>();
        foreach (var address in addresses)
        {
            var outside = Party.Of(address);
            var name = outside.ToString();
            foreach (var destination in PodClass.Group(pods, byPorts: true, keys))
            {
                var to = Party.Of(destination.Representative);
                var was = before.TrafficBetween(outside, to);
                var now = after.TrafficBetween(outside, to);
                var cut = was.IsEmpty ? [] : Lost(was, now, destination.Representative);
                var open = Opened(was, now, destination.Representative);
                foreach (var dst in destination.Members)
                {
                    lost.AddRange(cut.Select(item => new LostConnection(name, Key(dst), item)));
                    opened.AddRange(open.Select(item => new OpenedConnection(name, Key(dst), item)));
                }
            }

            foreach (var source in PodClass.Group(pods, byPorts: false, keys))
            {
                var from = Party.Of(source.Representative);
                var was = before.TrafficBetween(from, outside);
                var now = after.TrafficBetween(from, outside);
                var cut = was.Except(now);
                var open = now.Except(was);
                foreach (var src in source.Members)
                {
                    if (!cut.IsEmpty)
                    {
                        lost.Add(new LostConnection(Key(src), name, cut.ToString()));
                    }

                    if (!open.IsEmpty)
                    {
                        opened.Add(new OpenedConnection(Key(src), name, open.ToString()));
                    }
                }
            }
        }

        lost.Sort(static (a, b) => Compare(a.From, a.To, a.Traffic, b.From, b.To, b.Traffic));
        opened.Sort(static (a, b) => Compare(a.From, a.To, a.Traffic, b.From, b.To, b.Traffic));
        return new Impact(lost, opened);
    }

    /// <summary>
    /// Addresses that stand for every range the policies tell apart: of each ipBlock (either side), its first address
    /// and the first address after each <c>except</c> hole; plus <see cref="PublicAddress"/>, an address in no
    /// private range, for "anywhere" when no ipBlock names it. Ordered and distinct.
    /// </summary>
    public static IReadOnlyList<System.Net.IPAddress> ExternalAddresses(IEnumerable<NetworkPolicy> policies)
    {
        var result = new SortedDictionary<string, System.Net.IPAddress>(StringComparer.Ordinal) { [PublicAddress.ToString()] = PublicAddress };
        var blocks = policies
            .SelectMany(p => (p.Ingress ?? []).Concat(p.Egress ?? []))
            .SelectMany(r => r.Peers ?? [])
            .Select(peer => peer.IpBlock)
            .OfType<IpBlock>();
        foreach (var block in blocks)
        {
            if (!Cidr.TryParse(block.Cidr, out var cidr))
            {
                continue;
            }

            result.TryAdd(cidr.Network.ToString(), cidr.Network);
            foreach (var except in block.Except ?? [])
            {
                if (Cidr.TryParse(except, out var hole) && hole.FirstAfter() is { } next && cidr.Contains(next))
                {
                    result.TryAdd(next.ToString(), next);
                }
            }
        }

        return [.. result.Values];
    }

    /// <summary>203.0.113.10 (TEST-NET-3, RFC 5737): stands for any public address outside every ipBlock.</summary>
    public static System.Net.IPAddress PublicAddress { get; } = System.Net.IPAddress.Parse("203.0.113.10");

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
