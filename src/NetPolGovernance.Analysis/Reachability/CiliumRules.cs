using System.Globalization;
using System.Net.Sockets;
using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// What the Cilium rules selecting one pod say about one connection in one direction (docs/semantics.md §7.1):
/// the deny rule that matches, the rules that put the pod into default deny, the allow rule that admits the
/// connection, and what could change each of them.
/// </summary>
internal sealed record CiliumVerdict(
    string? DeniedBy,
    IReadOnlyList<string> DenyUnknowns,
    IReadOnlyList<string> IsolatedBy,
    string? AllowedBy,
    IReadOnlyList<string> AllowUnknowns)
{
    /// <summary>True when at least one Cilium rule selects the pod with a section of the direction.</summary>
    public bool Selected { get; init; }
}

/// <summary>
/// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy rules for reachability (docs/semantics.md §7.1). A rule
/// selects pods by <c>endpointSelector</c> (as for coverage, §9.1); for each direction its deny entries
/// (<c>ingressDeny</c>/<c>egressDeny</c>) override every allow, its allow entries (<c>ingress</c>/<c>egress</c>) add up
/// with the NetworkPolicies of the pod, and a rule with a section of the direction puts the pod into default deny
/// unless <c>enableDefaultDeny</c> switches it off. An entry matches when its peers (endpoints, entities, CIDRs; none
/// written with <c>toPorts</c> means any peer; an entry with nothing matches nothing) and its ports match. Fields
/// outside the L3/L4 subset make the entry a "might match".
/// </summary>
internal sealed class CiliumRules
{
    private const string NamespaceLabel = "io.kubernetes.pod.namespace";

    private readonly CompiledRule[] _rules;

    public CiliumRules(IEnumerable<CiliumPolicy> policies)
    {
        var rules = new List<CompiledRule>();
        foreach (var policy in policies)
        {
            var display = $"{policy.Kind} {(policy.Namespace is null ? policy.Name : SnapshotIndex.Key(policy.Namespace, policy.Name))}";
            for (var i = 0; i < policy.Rules.Count; i++)
            {
                var rule = policy.Rules[i];
                var name = policy.Rules.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"{display} (rule set {i + 1})") : display;
                rules.Add(new CompiledRule(policy, rule, name, rule.EndpointSelector is null ? null : CiliumSubject.StripSourcePrefixes(rule.EndpointSelector)));
            }
        }

        _rules = [.. rules];
    }

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>Whether some rule selects <paramref name="subject"/> with a section (allow or deny) of <paramref name="direction"/>.</summary>
    public bool Selects(PodView subject, PolicyDirection direction) =>
        _rules.Any(r => r.Selects(subject) && (Allow(r.Rule, direction).Count + Deny(r.Rule, direction).Count > 0 || Counted(r.Rule, direction) > 0));

    public CiliumVerdict Evaluate(
        PolicyDirection direction,
        PodView subject,
        Party other,
        PodView? otherView,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port)
    {
        var word = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var denyUnknowns = new List<string>();
        var allowUnknowns = new List<string>();
        var isolatedBy = new List<string>();
        string? deniedBy = null;
        string? allowedBy = null;
        var selected = false;
        var subjectKey = SnapshotIndex.Key(subject.Pod.Namespace, subject.Pod.Name);

        foreach (var compiled in _rules)
        {
            if (subject.Pod.HostNetwork)
            {
                // A host-networked pod is the node to Cilium: only host policies (nodeSelector) apply to it.
                if (compiled.Rule.HasNodeSelector && compiled.Policy.IsClusterwide)
                {
                    denyUnknowns.Add($"unknown: {compiled.Name} nodeSelector (a host policy, not modelled) applies to host-networked {subjectKey} and could change it");
                    allowUnknowns.Add(denyUnknowns[^1]);
                }

                continue;
            }

            if (!compiled.Selects(subject))
            {
                continue;
            }

            var allow = Allow(compiled.Rule, direction);
            var deny = Deny(compiled.Rule, direction);
            var (allowCount, denyCount) = Counts(compiled.Rule, direction);
            if (allowCount + denyCount == 0)
            {
                continue;
            }

            selected = true;
            if (allow.Count < allowCount || deny.Count < denyCount)
            {
                var reason = $"unknown: {compiled.Name} selects {subjectKey} but its {word} rules were not read, so it could change it";
                denyUnknowns.Add(reason);
                allowUnknowns.Add(reason);
            }

            var defaultDeny = direction == PolicyDirection.Ingress ? compiled.Rule.EnableDefaultDenyIngress : compiled.Rule.EnableDefaultDenyEgress;
            if (defaultDeny != false && !isolatedBy.Contains(compiled.Name, StringComparer.Ordinal))
            {
                isolatedBy.Add(compiled.Name);
            }

            for (var i = 0; i < deny.Count && deniedBy is null; i++)
            {
                var label = string.Create(CultureInfo.InvariantCulture, $"{compiled.Name} {word}Deny rule {i + 1}");
                var match = Entry(deny[i], compiled, direction, other, otherView, receiver, protocol, port, out var why);
                if (match == Match.Yes)
                {
                    deniedBy = label;
                }
                else if (match == Match.Maybe)
                {
                    denyUnknowns.Add($"unknown: {label} {why} could change it");
                }
            }

            for (var i = 0; i < allow.Count && allowedBy is null; i++)
            {
                var label = string.Create(CultureInfo.InvariantCulture, $"{compiled.Name} {word} rule {i + 1}");
                var match = Entry(allow[i], compiled, direction, other, otherView, receiver, protocol, port, out var why);
                if (match == Match.Yes)
                {
                    allowedBy = label;
                }
                else if (match == Match.Maybe)
                {
                    allowUnknowns.Add($"unknown: {label} {why} could change it");
                }
            }
        }

        return new CiliumVerdict(deniedBy, denyUnknowns, isolatedBy, allowedBy, allowUnknowns) { Selected = selected };
    }

    private static IReadOnlyList<CiliumPeerRule> Allow(CiliumRule rule, PolicyDirection direction) =>
        direction == PolicyDirection.Ingress ? rule.Ingress : rule.Egress;

    private static IReadOnlyList<CiliumPeerRule> Deny(CiliumRule rule, PolicyDirection direction) =>
        direction == PolicyDirection.Ingress ? rule.IngressDeny : rule.EgressDeny;

    private static (int Allow, int Deny) Counts(CiliumRule rule, PolicyDirection direction) =>
        direction == PolicyDirection.Ingress
            ? (Math.Max(rule.IngressCount, rule.Ingress.Count), Math.Max(rule.IngressDenyCount, rule.IngressDeny.Count))
            : (Math.Max(rule.EgressCount, rule.Egress.Count), Math.Max(rule.EgressDenyCount, rule.EgressDeny.Count));

    private static int Counted(CiliumRule rule, PolicyDirection direction)
    {
        var (allow, deny) = Counts(rule, direction);
        return allow + deny;
    }

    /// <summary>One entry: its peers and its ports must both match; fields outside the subset make it a "might match".</summary>
    private static Match Entry(
        CiliumPeerRule entry,
        CompiledRule rule,
        PolicyDirection direction,
        Party other,
        PodView? otherView,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        out string? why)
    {
        why = null;
        var icmps = entry.Unmodelled.Contains("icmps", StringComparer.Ordinal);
        var unmodelledPeers = entry.Unmodelled.Where(f => f != "icmps").ToList();
        var hasPeers = entry.Endpoints is not null || entry.Entities is not null || entry.Cidrs is not null || unmodelledPeers.Count > 0;

        Match peers;
        if (!hasPeers)
        {
            // toPorts (or icmps) alone applies to every peer; an entry with nothing at all admits nothing.
            peers = entry.Ports is not null || icmps ? Match.Yes : Match.No;
        }
        else
        {
            peers = Endpoints(entry.Endpoints, rule, other, otherView);
            peers = Matches.Either(peers, Entities(entry.Entities, other));
            peers = Matches.Either(peers, Cidrs(entry.Cidrs, other, out var cidrWhy));
            if (peers == Match.Maybe)
            {
                why = cidrWhy ?? "(an entity or endpoint label the snapshot cannot judge)";
            }

            if (unmodelledPeers.Count > 0)
            {
                peers = Match.Maybe;
                why = $"({string.Join(", ", unmodelledPeers)}: not modelled)";
            }
        }

        Match ports;
        string? portWhy = null;
        if (entry.Ports is null)
        {
            ports = icmps ? Match.Maybe : Match.Yes;
            portWhy = icmps ? "(icmps: not modelled)" : null;
        }
        else
        {
            ports = Ports(entry.Ports, receiver, protocol, port, out portWhy);
        }

        var match = Matches.Both(peers, ports);
        if (match == Match.Maybe)
        {
            why ??= portWhy ?? $"({(direction == PolicyDirection.Ingress ? "from" : "to")} a peer the snapshot cannot judge)";
        }

        return match;
    }

    private static Match Endpoints(IReadOnlyList<LabelSelector>? selectors, CompiledRule rule, Party other, PodView? otherView)
    {
        if (selectors is null)
        {
            return Match.No;
        }

        if (other.Pod is not { } pod || otherView is null)
        {
            return Match.No; // endpoint selectors choose Cilium endpoints, never addresses outside the cluster.
        }

        var result = Match.No;
        foreach (var written in selectors)
        {
            var selector = CiliumSubject.StripSourcePrefixes(written);
            var keys = selector.MatchExpressions ?? [];
            if (pod.HostNetwork)
            {
                // A host-networked pod has the node's identity (reserved:host or remote-node), not its labels.
                if (keys.Any(k => k.Key.StartsWith("reserved:", StringComparison.Ordinal)))
                {
                    result = Match.Maybe;
                }

                continue;
            }

            // A namespaced policy's endpoint selectors are limited to its own namespace unless they name one.
            if (rule.Policy.Namespace is { } ns
                && !keys.Any(k => string.Equals(k.Key, NamespaceLabel, StringComparison.Ordinal))
                && !string.Equals(pod.Namespace, ns, StringComparison.Ordinal))
            {
                continue;
            }

            if (LabelSelectors.Matches(selector, otherView.CiliumLabels))
            {
                return Match.Yes;
            }
        }

        return result;
    }

    private static Match Entities(IReadOnlyList<string>? entities, Party other)
    {
        if (entities is null)
        {
            return Match.No;
        }

        var result = Match.No;
        foreach (var entity in entities)
        {
            result = Matches.Either(result, Entity(entity.Trim(), other));
        }

        return result;
    }

    /// <summary>
    /// One entity against a party: a pod is in <c>cluster</c> and <c>all</c>; a host-networked pod might also be
    /// <c>host</c>, <c>remote-node</c> or <c>kube-apiserver</c>; an address outside the cluster is <c>world</c> (and its
    /// family's <c>world-ipv4</c>/<c>world-ipv6</c>) and <c>all</c>, and might be <c>kube-apiserver</c>.
    /// </summary>
    internal static Match Entity(string entity, Party other)
    {
        if (other.Address is { } address)
        {
            return entity switch
            {
                "all" or "world" => Match.Yes,
                "world-ipv4" => address.AddressFamily == AddressFamily.InterNetwork ? Match.Yes : Match.No,
                "world-ipv6" => address.AddressFamily == AddressFamily.InterNetworkV6 ? Match.Yes : Match.No,
                "kube-apiserver" => Match.Maybe,
                "cluster" or "host" or "remote-node" or "health" or "init" or "ingress" or "unmanaged" or "none" => Match.No,
                _ => Match.Maybe,
            };
        }

        var hostNetwork = other.Pod?.HostNetwork == true;
        return entity switch
        {
            "all" or "cluster" => Match.Yes,
            "host" or "remote-node" or "kube-apiserver" => hostNetwork ? Match.Maybe : Match.No,
            "world" or "world-ipv4" or "world-ipv6" or "health" or "init" or "ingress" or "unmanaged" or "none" => Match.No,
            _ => Match.Maybe,
        };
    }

    /// <summary>CIDR peers match addresses outside the cluster only (Cilium never applies them to its endpoints or nodes).</summary>
    private static Match Cidrs(IReadOnlyList<CiliumCidr>? cidrs, Party other, out string? why)
    {
        why = null;
        if (cidrs is null || other.Address is not { } address)
        {
            return Match.No;
        }

        var result = Match.No;
        foreach (var entry in cidrs)
        {
            if (entry.Unmodelled is { } field)
            {
                why = $"({field}: not modelled)";
                result = Match.Maybe;
                continue;
            }

            if (!Cidr.TryParse(entry.Cidr, out var cidr) || !cidr.Contains(address))
            {
                continue;
            }

            if (!(entry.Except ?? []).Any(e => Cidr.TryParse(e, out var hole) && hole.Contains(address)))
            {
                return Match.Yes;
            }
        }

        return result;
    }

    /// <summary>
    /// <c>toPorts</c>: any entry whose ports match (no <c>ports</c>, a port <c>0</c> or none: every port of the
    /// protocol; protocol <c>ANY</c> or none: every protocol; a name resolves on the receiving pod). L7 and TLS fields
    /// make a matching entry a "might match".
    /// </summary>
    private static Match Ports(IReadOnlyList<CiliumPortRule> rules, PodInfo? receiver, TransportProtocol protocol, int port, out string? why)
    {
        why = null;
        var result = Match.No;
        foreach (var rule in rules)
        {
            var match = rule.Ports is null ? Match.Yes : Match.No;
            foreach (var entry in rule.Ports ?? [])
            {
                match = Matches.Either(match, PortEntry(entry, receiver, protocol, port, ref why));
            }

            if (match != Match.No && rule.Unmodelled.Count > 0)
            {
                why = $"(toPorts {string.Join(", ", rule.Unmodelled)}: L7 and TLS rules are not modelled)";
                match = Match.Maybe;
            }

            result = Matches.Either(result, match);
            if (result == Match.Yes)
            {
                return result;
            }
        }

        return result;
    }

    private static Match PortEntry(CiliumPort entry, PodInfo? receiver, TransportProtocol protocol, int port, ref string? why)
    {
        var written = entry.Protocol?.Trim();
        var anyProtocol = string.IsNullOrEmpty(written) || string.Equals(written, "ANY", StringComparison.OrdinalIgnoreCase);
        if (!anyProtocol && (!TransportProtocols.TryParse(written, out var entryProtocol) || entryProtocol != protocol))
        {
            return Match.No;
        }

        var text = entry.Port?.Trim();
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return Match.Yes;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            var to = entry.EndPort is int end && end > from ? end : from;
            return port >= from && port <= to ? Match.Yes : Match.No;
        }

        if (receiver is null)
        {
            return Match.No; // an address has no named ports.
        }

        if (receiver.ContainerPorts is null)
        {
            why = $"(named port {text}: the container ports of {SnapshotIndex.Key(receiver.Namespace, receiver.Name)} are unknown)";
            return Match.Maybe;
        }

        return receiver.ContainerPorts.Any(c => string.Equals(c.Name, text, StringComparison.Ordinal) && c.Port == port
            && TransportProtocols.TryParse(c.Protocol, out var p) && p == protocol)
            ? Match.Yes
            : Match.No;
    }

    private sealed record CompiledRule(CiliumPolicy Policy, CiliumRule Rule, string Name, LabelSelector? Selector)
    {
        public bool Selects(PodView pod) =>
            Selector is not null
            && (Policy.Namespace is null || string.Equals(Policy.Namespace, pod.Pod.Namespace, StringComparison.Ordinal))
            && LabelSelectors.Matches(Selector, pod.CiliumLabels);
    }
}
