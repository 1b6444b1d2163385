using System.Globalization;
using System.Net.Sockets;
using NetPolGovernance.Analysis.Calico;
using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>What the Calico default tier decided for one side: the action, the words for the explanation, what could change it.</summary>
internal sealed record CalicoDecision(TierAction Action, string Text, IReadOnlyList<string> Unknowns);

/// <summary>
/// Calico NetworkPolicy and GlobalNetworkPolicy rules for reachability, in Calico's default tier together with the
/// Kubernetes NetworkPolicies, which Calico enforces as policies of order 1000 in that tier (docs/semantics.md §7.2).
/// The policies that select the pod for the direction are taken by ascending <c>order</c> (a policy without one comes
/// last; equal orders by name), and their rules in written order: the first rule that matches decides, where
/// <c>Allow</c> and <c>Deny</c> are final, <c>Pass</c> leaves the tier, and <c>Log</c> goes on. When some policy of
/// the tier selects the pod but no rule matches, the tier denies. When none selects it, or a rule passes, the
/// connection goes on to the Baseline tier and, past it, to the namespace profile, which allows it. Policies of other
/// tiers are not modelled (the Tier objects and their order are not read): one that selects the pod makes the answer
/// unknown.
/// </summary>
internal sealed class CalicoTier
{
    private const double NetworkPolicyOrder = 1000;

    private readonly CompiledCalicoPolicy[] _policies;

    public CalicoTier(IEnumerable<CalicoSubject> subjects)
    {
        _policies = [.. subjects.Select(s => new CompiledCalicoPolicy(s))];
    }

    public bool IsEmpty => _policies.Length == 0;

    /// <summary>Whether a Calico policy (of any tier) selects <paramref name="subject"/> for <paramref name="direction"/>.</summary>
    public bool Selects(PodView subject, PolicyDirection direction) =>
        _policies.Any(p => (p.Subject.Governs(subject) & direction) == direction);

    /// <summary>
    /// The default tier's decision. <paramref name="admits"/> answers for one NetworkPolicy: the rules that admit the
    /// connection (empty when none does), adding to its list what could change that.
    /// </summary>
    public CalicoDecision Decide(
        PolicyDirection direction,
        PodView subject,
        Party other,
        PodView? otherView,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        IReadOnlyList<CompiledPolicy> networkPolicies,
        Func<CompiledPolicy, List<string>, IReadOnlyList<string>> admits)
    {
        var word = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var subjectKey = SnapshotIndex.Key(subject.Pod.Namespace, subject.Pod.Name);
        var unknowns = new List<string>();
        var entries = new List<(double Order, string SortName, CompiledCalicoPolicy? Calico, CompiledPolicy? Kubernetes)>();
        foreach (var policy in _policies)
        {
            if ((policy.Subject.Governs(subject) & direction) != direction)
            {
                continue;
            }

            if (!policy.InDefaultTier)
            {
                unknowns.Add($"unknown: {policy.Display} is in tier '{policy.Tier}', whose order is not modelled, and selects {subjectKey} for {word}, so it could change it");
                continue;
            }

            entries.Add((policy.Order, policy.SortName, policy, null));
        }

        foreach (var policy in networkPolicies)
        {
            entries.Add((NetworkPolicyOrder, "knp.default." + policy.Policy.Name, null, policy));
        }

        if (entries.Count == 0)
        {
            return new CalicoDecision(TierAction.None, $"{word}: {subjectKey} not isolated", unknowns);
        }

        entries.Sort((a, b) => a.Order != b.Order ? a.Order.CompareTo(b.Order) : string.CompareOrdinal(a.SortName, b.SortName));
        var selecting = string.Join(", ", entries.Select(e => e.Calico?.Display ?? $"NetworkPolicy {e.Kubernetes!.Key}"));

        // A rule that might match before the deciding one matters only if its action differs from the decision.
        var pending = new List<(TierAction Action, string Reason)>();
        foreach (var entry in entries)
        {
            if (entry.Kubernetes is { } np)
            {
                var reasons = new List<string>();
                var admitting = admits(np, reasons);
                if (admitting.Count > 0)
                {
                    return Decided(TierAction.Allow, $"{word}: {subjectKey} isolated by {selecting} (Calico default tier), admitted by {string.Join(", ", admitting)} (a NetworkPolicy, order 1000)");
                }

                pending.AddRange(reasons.Select(r => (TierAction.Allow, r)));
                continue;
            }

            var calico = entry.Calico!;
            var (rules, count) = direction == PolicyDirection.Ingress
                ? (calico.Ingress, calico.Policy.IngressRuleCount)
                : (calico.Egress, calico.Policy.EgressRuleCount);
            if (rules.Count < count)
            {
                pending.Add((TierAction.None, $"unknown: {calico.Display} {word} rules were not read and could change it"));
                continue;
            }

            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                var name = string.Create(CultureInfo.InvariantCulture, $"{calico.Display} {word} rule {i + 1} ({rule.Rule.Action ?? "no action"})");
                var action = rule.Rule.Action switch
                {
                    "Allow" => TierAction.Allow,
                    "Deny" => TierAction.Deny,
                    "Pass" => TierAction.Pass,
                    "Log" => (TierAction?)null,
                    _ => TierAction.None,
                };
                var match = rule.Matches(direction, calico.Policy.Namespace, subject, other, otherView, receiver, protocol, port, out var why);
                if (match == Match.No || action is null)
                {
                    continue;
                }

                if (action == TierAction.None)
                {
                    pending.Add((TierAction.None, $"unknown: {name} has an action reach does not model and could change it"));
                    continue;
                }

                if (match == Match.Maybe)
                {
                    pending.Add((action.Value, $"unknown: {name} {why} could change it"));
                    continue;
                }

                return action.Value switch
                {
                    TierAction.Allow => Decided(TierAction.Allow, $"{word}: {subjectKey} allowed by {name} (Calico default tier)"),
                    TierAction.Deny => Decided(TierAction.Deny, $"{word}: {subjectKey} denied by {name} (Calico default tier)"),
                    _ => Decided(TierAction.Pass, $"{word}: {subjectKey} passed on by {name} (Calico default tier)"),
                };
            }
        }

        var traffic = string.Create(CultureInfo.InvariantCulture, $"{port}/{protocol.ToKubernetes()}");
        return Decided(TierAction.Deny, $"{word}: {subjectKey} isolated by {selecting} (Calico default tier); no {word} rule admits {other} on {traffic}");

        CalicoDecision Decided(TierAction action, string text)
        {
            // Pass and "nothing selected" both go on to the next tier.
            static TierAction Effect(TierAction a) => a == TierAction.Pass ? TierAction.None : a;
            unknowns.AddRange(pending.Where(p => p.Action == TierAction.None || Effect(p.Action) != Effect(action)).Select(p => p.Reason));
            return new CalicoDecision(action, text, unknowns);
        }
    }

    private sealed class CompiledCalicoPolicy
    {
        public CompiledCalicoPolicy(CalicoSubject subject)
        {
            Subject = subject;
            Policy = subject.Policy;
            Tier = string.IsNullOrWhiteSpace(Policy.Tier) ? "default" : Policy.Tier.Trim();
            InDefaultTier = string.Equals(Tier, "default", StringComparison.Ordinal);
            Order = Policy.Order ?? double.PositiveInfinity;
            SortName = Policy.Name;
            Display = $"Calico {(Policy.IsGlobal ? "GlobalNetworkPolicy " + subject.Name : "NetworkPolicy " + SnapshotIndex.Key(Policy.Namespace!, subject.Name))}";
            Ingress = [.. Policy.Ingress.Select(r => new CompiledCalicoRule(r))];
            Egress = [.. Policy.Egress.Select(r => new CompiledCalicoRule(r))];
        }

        public CalicoSubject Subject { get; }

        public CalicoPolicy Policy { get; }

        public string Tier { get; }

        public bool InDefaultTier { get; }

        public double Order { get; }

        public string SortName { get; }

        public string Display { get; }

        public IReadOnlyList<CompiledCalicoRule> Ingress { get; }

        public IReadOnlyList<CompiledCalicoRule> Egress { get; }
    }

    private sealed class CompiledCalicoRule
    {
        private readonly CompiledEntity? _source;
        private readonly CompiledEntity? _destination;

        public CompiledCalicoRule(CalicoRule rule)
        {
            Rule = rule;
            _source = rule.Source is null ? null : new CompiledEntity(rule.Source, "source");
            _destination = rule.Destination is null ? null : new CompiledEntity(rule.Destination, "destination");
        }

        public CalicoRule Rule { get; }

        /// <summary>
        /// The rule against the connection: for ingress the source is the other party and the destination the pod, for
        /// egress the other way round; the destination's ports are the connection's port.
        /// </summary>
        public Match Matches(
            PolicyDirection direction,
            string? policyNamespace,
            PodView subject,
            Party other,
            PodView? otherView,
            PodInfo? receiver,
            TransportProtocol protocol,
            int port,
            out string? why)
        {
            why = null;
            var result = Protocol(Rule.Protocol, protocol, ref why);
            if (Rule.NotProtocol is not null)
            {
                result = Reachability.Matches.Both(result, Reachability.Matches.Not(Protocol(Rule.NotProtocol, protocol, ref why)));
            }

            if (Rule.IpVersion is int version)
            {
                var family = other.Address?.AddressFamily;
                var ipMatch = family is null ? Match.Maybe
                    : (version == 4 && family == AddressFamily.InterNetwork) || (version == 6 && family == AddressFamily.InterNetworkV6) ? Match.Yes
                    : Match.No;
                if (ipMatch == Match.Maybe)
                {
                    why ??= "(ipVersion: the pod's address family is not known)";
                }

                result = Reachability.Matches.Both(result, ipMatch);
            }

            if (Rule.Unmodelled.Count > 0)
            {
                why ??= $"({string.Join(", ", Rule.Unmodelled)}: not modelled)";
                result = Reachability.Matches.Both(result, Match.Maybe);
            }

            var subjectParty = Party.Of(subject.Pod);
            var (sourceParty, sourceView, destinationParty, destinationView) = direction == PolicyDirection.Ingress
                ? (other, otherView, subjectParty, subject)
                : (subjectParty, subject, other, otherView);
            if (_source is not null && result != Match.No)
            {
                result = Reachability.Matches.Both(result, _source.Matches(policyNamespace, sourceParty, sourceView, null, protocol, port, destination: false, ref why));
            }

            if (_destination is not null && result != Match.No)
            {
                result = Reachability.Matches.Both(result, _destination.Matches(policyNamespace, destinationParty, destinationView, receiver, protocol, port, destination: true, ref why));
            }

            return result;
        }

        /// <summary>A protocol name (<c>TCP</c>, <c>UDP</c>, <c>SCTP</c>, <c>ICMP</c>, ...) or number against the connection's.</summary>
        private static Match Protocol(string? written, TransportProtocol protocol, ref string? why)
        {
            if (written is null)
            {
                return Match.Yes;
            }

            var text = written.Trim();
            TransportProtocol? parsed = text.ToUpperInvariant() switch
            {
                "TCP" or "6" => TransportProtocol.Tcp,
                "UDP" or "17" => TransportProtocol.Udp,
                "SCTP" or "132" => TransportProtocol.Sctp,
                _ => null,
            };
            if (parsed is { } known)
            {
                return known == protocol ? Match.Yes : Match.No;
            }

            if (text.ToUpperInvariant() is "ICMP" or "ICMPV6" or "UDPLITE" or "1" or "58" or "136")
            {
                return Match.No;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return Match.No; // another IP protocol number.
            }

            why ??= $"(protocol '{text}' is not one reach knows)";
            return Match.Maybe;
        }
    }

    /// <summary>A rule's <c>source</c> or <c>destination</c> with its selectors parsed once.</summary>
    private sealed class CompiledEntity
    {
        private readonly CalicoEntity _entity;
        private readonly string _role;
        private readonly CalicoSelector? _selector;
        private readonly CalicoSelector? _notSelector;
        private readonly CalicoSelector? _namespaceSelector;
        private readonly string? _invalid;

        public CompiledEntity(CalicoEntity entity, string role)
        {
            _entity = entity;
            _role = role;
            _selector = Parse(entity.Selector, "selector", ref _invalid);
            _notSelector = Parse(entity.NotSelector, "notSelector", ref _invalid);
            _namespaceSelector = Parse(entity.NamespaceSelector, "namespaceSelector", ref _invalid);
        }

        private bool HasSelectors => _entity.Selector is not null || _entity.NotSelector is not null || _entity.NamespaceSelector is not null;

        public Match Matches(
            string? policyNamespace,
            Party party,
            PodView? view,
            PodInfo? receiver,
            TransportProtocol protocol,
            int port,
            bool destination,
            ref string? why)
        {
            var result = Match.Yes;
            if (_entity.Nets is { Count: > 0 } nets)
            {
                result = Reachability.Matches.Both(result, Nets(nets, party, ref why));
            }

            if (_entity.NotNets is { Count: > 0 } notNets && result != Match.No)
            {
                result = Reachability.Matches.Both(result, Reachability.Matches.Not(Nets(notNets, party, ref why)));
            }

            if (HasSelectors && result != Match.No)
            {
                result = Reachability.Matches.Both(result, Selectors(policyNamespace, party, view, ref why));
            }

            if (_entity.Ports is { Count: > 0 } ports && result != Match.No)
            {
                result = Reachability.Matches.Both(result, destination ? Ports(ports, receiver, protocol, port, ref why) : SourcePorts(ref why));
            }

            if (_entity.NotPorts is { Count: > 0 } notPorts && result != Match.No)
            {
                result = Reachability.Matches.Both(
                    result,
                    destination ? Reachability.Matches.Not(Ports(notPorts, receiver, protocol, port, ref why)) : SourcePorts(ref why));
            }

            if (_entity.Unmodelled.Count > 0 && result != Match.No)
            {
                why ??= $"({_role} {string.Join(", ", _entity.Unmodelled)}: not modelled)";
                result = Reachability.Matches.Both(result, Match.Maybe);
            }

            return result;
        }

        private Match SourcePorts(ref string? why)
        {
            why ??= $"({_role} ports: the source port is not known)";
            return Match.Maybe;
        }

        /// <summary>Calico applies <c>nets</c> to pod addresses too, which the snapshot lacks.</summary>
        private Match Nets(IReadOnlyList<string> nets, Party party, ref string? why)
        {
            if (party.Address is not { } address)
            {
                why ??= $"({_role} nets {string.Join(", ", nets)}: the pod's IP is not known)";
                return Match.Maybe;
            }

            return nets.Any(n => Cidr.TryParse(n, out var cidr) && cidr.Contains(address)) ? Match.Yes : Match.No;
        }

        private Match Selectors(string? policyNamespace, Party party, PodView? view, ref string? why)
        {
            if (_invalid is not null)
            {
                why ??= $"({_role} {_invalid})";
                return Match.Maybe;
            }

            if (party.Pod is not { HostNetwork: false } pod || view is null)
            {
                why ??= party.Address is not null
                    ? $"({_role} selector against an address: Calico NetworkSets, which could carry it, are not read)"
                    : $"({_role} selector against a host-networked pod: host endpoints are not read)";
                return Match.Maybe;
            }

            // Without a namespaceSelector, a namespaced policy's selectors stay in its own namespace.
            var namespaceMatches = _namespaceSelector is not null
                ? _namespaceSelector.Matches(view.Namespace.CalicoLabels)
                : policyNamespace is null || string.Equals(policyNamespace, pod.Namespace, StringComparison.Ordinal);
            var selected = namespaceMatches
                && (_selector?.Matches(view.CalicoLabels) ?? true)
                && !(_notSelector?.Matches(view.CalicoLabels) ?? false);
            return selected ? Match.Yes : Match.No;
        }

        /// <summary>Port numbers, <c>from:to</c> ranges and names (resolved on the receiving pod, by name and protocol).</summary>
        private static Match Ports(IReadOnlyList<string> ports, PodInfo? receiver, TransportProtocol protocol, int port, ref string? why)
        {
            var result = Match.No;
            foreach (var written in ports)
            {
                var text = written.Trim();
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0
                    && int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                    && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var to))
                {
                    if (port >= from && port <= to)
                    {
                        return Match.Yes;
                    }

                    continue;
                }

                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    if (number == port)
                    {
                        return Match.Yes;
                    }

                    continue;
                }

                if (receiver is null)
                {
                    continue; // an address has no named ports.
                }

                if (receiver.ContainerPorts is null)
                {
                    why ??= $"(named port {text}: the container ports of {SnapshotIndex.Key(receiver.Namespace, receiver.Name)} are unknown)";
                    result = Match.Maybe;
                    continue;
                }

                if (receiver.ContainerPorts.Any(c => string.Equals(c.Name, text, StringComparison.Ordinal) && c.Port == port
                    && TransportProtocols.TryParse(c.Protocol, out var p) && p == protocol))
                {
                    return Match.Yes;
                }
            }

            return result;
        }

        private static CalicoSelector? Parse(string? text, string field, ref string? invalid)
        {
            if (text is null)
            {
                return null;
            }

            if (CalicoSelector.TryParse(text, out var selector, out var error))
            {
                return selector;
            }

            invalid ??= $"{field} '{text}' does not parse: {error}";
            return null;
        }
    }
}
