using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// Whether one rule of a policy admits a peer and which ports it admits (docs/semantics.md §5, §6).
/// Named ports resolve on the receiving pod of the connection, per protocol; an address has no named ports.
/// </summary>
internal static class RuleMatcher
{
    /// <summary>
    /// The first peer of the rule that matches <paramref name="other"/>, described for humans; null when none does.
    /// A missing or empty peer list matches every pod and every address.
    /// </summary>
    public static string? MatchingPeer(NetworkPolicyRule rule, string policyNamespace, Party other, SnapshotIndex index, PolicyDirection direction)
    {
        var word = direction == PolicyDirection.Ingress ? "from" : "to";
        if (rule.Peers is null || rule.Peers.Count == 0)
        {
            return $"{word} any peer";
        }

        foreach (var peer in rule.Peers)
        {
            if (PeerMatches(peer, policyNamespace, other, index))
            {
                return $"{word} {SelectorText.Peer(peer)}";
            }
        }

        return null;
    }

    public static bool PeerMatches(NetworkPolicyPeer peer, string policyNamespace, Party other, SnapshotIndex index)
    {
        if (peer.IpBlock is not null)
        {
            // Pod IPs are not assumed to match ipBlocks (docs/semantics.md §5), so only addresses can.
            return other.Address is not null && IpBlockContains(peer.IpBlock, other.Address);
        }

        if (peer.PodSelector is null && peer.NamespaceSelector is null)
        {
            return false; // `{}` is invalid: "must specify a peer".
        }

        if (other.Pod is null)
        {
            return false; // Selectors choose pods, never cluster-external addresses.
        }

        var namespaceMatches = peer.NamespaceSelector is null
            ? string.Equals(other.Pod.Namespace, policyNamespace, StringComparison.Ordinal)
            : LabelSelectors.Matches(peer.NamespaceSelector, index.NamespaceLabels(other.Pod.Namespace));
        return namespaceMatches && LabelSelectors.Matches(peer.PodSelector, other.Pod.Labels);
    }

    public static bool IpBlockContains(IpBlock block, System.Net.IPAddress address)
    {
        if (!Cidr.TryParse(block.Cidr, out var cidr) || !cidr!.Contains(address))
        {
            return false;
        }

        foreach (var except in block.Except ?? [])
        {
            if (Cidr.TryParse(except, out var hole) && hole!.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every (protocol, port) the rule admits toward <paramref name="receiver"/> (null for an address).</summary>
    public static PortSet Ports(NetworkPolicyRule rule, PodInfo? receiver)
    {
        if (rule.Ports is null || rule.Ports.Count == 0)
        {
            return PortSet.All;
        }

        var result = PortSet.Empty;
        foreach (var entry in rule.Ports)
        {
            result = result.Union(Ports(entry, receiver));
        }

        return result;
    }

    /// <summary>The ports one entry admits. An unknown protocol or an unresolvable name admits nothing.</summary>
    public static PortSet Ports(NetworkPolicyPort entry, PodInfo? receiver)
    {
        if (!TransportProtocols.TryParse(entry.Protocol, out var protocol))
        {
            return PortSet.Empty;
        }

        if (entry.Port is null)
        {
            return PortSet.AllOf(protocol);
        }

        if (entry.Port.Number is int number)
        {
            var end = entry.EndPort is int endPort && endPort >= number ? endPort : number;
            return PortSet.Range(protocol, number, end);
        }

        var result = PortSet.Empty;
        foreach (var containerPort in receiver?.ContainerPorts ?? [])
        {
            if (string.Equals(containerPort.Name, entry.Port.Name, StringComparison.Ordinal)
                && TransportProtocols.TryParse(containerPort.Protocol, out var containerProtocol)
                && containerProtocol == protocol)
            {
                result = result.Union(PortSet.Range(protocol, containerPort.Port, containerPort.Port));
            }
        }

        return result;
    }

    /// <summary>Describes the port entry that admits (protocol, port), e.g. <c>port 5432/TCP</c>.</summary>
    public static string DescribeAdmittingPort(NetworkPolicyRule rule, PodInfo? receiver, TransportProtocol protocol, int port)
    {
        if (rule.Ports is null || rule.Ports.Count == 0)
        {
            return "any port";
        }

        foreach (var entry in rule.Ports)
        {
            if (Ports(entry, receiver).Contains(protocol, port))
            {
                return DescribePort(entry, protocol, port);
            }
        }

        return "no port";
    }

    private static string DescribePort(NetworkPolicyPort entry, TransportProtocol protocol, int port)
    {
        var proto = protocol.ToKubernetes();
        if (entry.Port is null)
        {
            return $"any {proto} port";
        }

        if (entry.Port.IsNamed)
        {
            return string.Create(CultureInfo.InvariantCulture, $"named port {entry.Port.Name}/{proto} (= {port})");
        }

        return entry.EndPort is int end && end > entry.Port.Number
            ? string.Create(CultureInfo.InvariantCulture, $"ports {entry.Port.Number}-{end}/{proto}")
            : string.Create(CultureInfo.InvariantCulture, $"port {entry.Port.Number}/{proto}");
    }

    /// <summary>True when a rule names a port the receiver cannot resolve because its container ports are unknown.</summary>
    public static bool HasUnresolvableNamedPort(NetworkPolicyRule rule, PodInfo? receiver) =>
        receiver is { ContainerPorts: null } && rule.Ports is not null && rule.Ports.Any(p => p.Port is { IsNamed: true });
}
