using System.Globalization;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>The two cluster-wide tiers around NetworkPolicy (docs/semantics.md §11).</summary>
internal enum AdminTier
{
    Admin,
    Baseline,
}

/// <summary>What a tier decided for one side of a connection.</summary>
internal enum TierAction
{
    /// <summary>No rule of the tier matched.</summary>
    None,
    Allow,
    Deny,
    /// <summary>An Admin-tier rule handed the connection on to NetworkPolicy.</summary>
    Pass,
}

/// <summary>A tier's decision, the rule that made it (for the explanation) and what could change it.</summary>
internal sealed record TierDecision(TierAction Action, string? Rule, IReadOnlyList<string> Unknowns);

/// <summary>
/// AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy (Admin and Baseline tiers) evaluated for
/// one side of a connection (docs/semantics.md §11). Within a tier, policies are taken by ascending priority and,
/// inside one policy, rules in written order; the first matching rule decides. Two policies of the same rank that
/// both match with different actions make the answer unknown (the API leaves the choice to the implementation). A rule
/// that might match (a CIDR peer against a pod, a <c>nodes</c> or <c>domainNames</c> peer, a named port on a pod whose
/// container ports are unknown) before the deciding rule makes the answer unknown.
/// </summary>
internal sealed class AdminTiers
{
    private readonly CompiledAdminPolicy[] _admin;
    private readonly CompiledAdminPolicy[] _baseline;

    public AdminTiers(ClusterSnapshot snapshot, EngineState engine, ICollection<string> ignored)
    {
        var admin = new List<CompiledAdminPolicy>();
        var baseline = new List<CompiledAdminPolicy>();
        foreach (var policy in snapshot.AdminPolicies)
        {
            var compiled = new CompiledAdminPolicy(policy);
            if (!engine.Counts(compiled.CountedAs))
            {
                ignored.Add($"{compiled.Display} is not enforced by the cluster's engine ({engine.Basis}) and was not evaluated");
                continue;
            }

            (compiled.Tier == AdminTier.Admin ? admin : baseline).Add(compiled);
        }

        _admin = [.. admin.OrderBy(p => p.Rank).ThenBy(p => p.Display, StringComparer.Ordinal)];
        _baseline = [.. baseline.OrderBy(p => p.Rank).ThenBy(p => p.Display, StringComparer.Ordinal)];
    }

    public TierDecision Decide(
        AdminTier tier,
        PolicyDirection direction,
        PodInfo subject,
        Party other,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        SnapshotIndex index)
    {
        var unknowns = new List<string>();
        if (subject.HostNetwork)
        {
            return new TierDecision(TierAction.None, null, unknowns); // host-networked pods are never subjects.
        }

        var policies = tier == AdminTier.Admin ? _admin : _baseline;
        for (var i = 0; i < policies.Length; i++)
        {
            var policy = policies[i];
            if (!policy.Selects(subject, index))
            {
                continue;
            }

            if (!policy.Understood(direction, out var why))
            {
                unknowns.Add($"unknown: {policy.Display} {why} could change it");
                continue;
            }

            var (action, rule) = policy.FirstMatch(direction, other, receiver, protocol, port, index, unknowns);
            if (action == TierAction.None)
            {
                continue;
            }

            // Same rank, different verdict: the implementation may pick either policy.
            for (var j = 0; j < policies.Length; j++)
            {
                var rival = policies[j];
                if (j == i || rival.Rank != policy.Rank || !rival.Selects(subject, index) || !rival.Understood(direction, out _))
                {
                    continue;
                }

                var (rivalAction, rivalRule) = rival.FirstMatch(direction, other, receiver, protocol, port, index, []);
                if (rivalAction != TierAction.None && rivalAction != action)
                {
                    unknowns.Add($"unknown: {rivalRule} has the same priority as {rule} and decides differently, so either could apply");
                }
            }

            return new TierDecision(action, rule, unknowns);
        }

        return new TierDecision(TierAction.None, null, unknowns);
    }

    /// <summary>One policy with its tier, rank and kind for the engine rule (ClusterNetworkPolicy counts as ANP/BANP).</summary>
    private sealed class CompiledAdminPolicy
    {
        private readonly AdminPolicy _policy;
        private readonly bool _knownVersion;

        public CompiledAdminPolicy(AdminPolicy policy)
        {
            _policy = policy;
            var clusterNetworkPolicy = string.Equals(policy.Kind, "ClusterNetworkPolicy", StringComparison.Ordinal);
            Tier = clusterNetworkPolicy
                ? string.Equals(policy.Tier, "Admin", StringComparison.Ordinal) ? AdminTier.Admin : AdminTier.Baseline
                : string.Equals(policy.Kind, "AdminNetworkPolicy", StringComparison.Ordinal) ? AdminTier.Admin : AdminTier.Baseline;
            CountedAs = Tier == AdminTier.Admin ? PolicyKind.AdminNetworkPolicy : PolicyKind.BaselineAdminNetworkPolicy;

            // The BANP is a singleton without a priority; its order against Baseline-tier ClusterNetworkPolicies is not
            // specified, so it shares a rank with all of them (a disagreement is then unknown).
            Rank = string.Equals(policy.Kind, "BaselineAdminNetworkPolicy", StringComparison.Ordinal) ? -1 : policy.Priority ?? 0;
            _knownVersion = clusterNetworkPolicy
                ? string.Equals(policy.ApiVersion, "policy.networking.k8s.io/v1alpha2", StringComparison.Ordinal)
                  && policy.Tier is "Admin" or "Baseline"
                : policy.ApiVersion.StartsWith("policy.networking.k8s.io/v1alpha", StringComparison.Ordinal);
            Display = $"{policy.Kind} {policy.Name}";
        }

        public AdminTier Tier { get; }

        public PolicyKind CountedAs { get; }

        public int Rank { get; }

        public string Display { get; }

        public bool Selects(PodInfo pod, SnapshotIndex index)
        {
            var namespaceLabels = index.NamespaceLabels(pod.Namespace);
            return _policy.SubjectIsPods
                ? LabelSelectors.Matches(_policy.SubjectPodsNamespaceSelector, namespaceLabels)
                  && LabelSelectors.Matches(_policy.SubjectPodsPodSelector, pod.Labels)
                : _policy.SubjectNamespaces is not null && LabelSelectors.Matches(_policy.SubjectNamespaces, namespaceLabels);
        }

        public bool Understood(PolicyDirection direction, out string why)
        {
            if (!_knownVersion)
            {
                why = $"(apiVersion {_policy.ApiVersion}{(_policy.Tier is null ? string.Empty : $", tier {_policy.Tier}")}) is not a version reach understands, and";
                return false;
            }

            var (rules, count) = direction == PolicyDirection.Ingress
                ? (_policy.Ingress, _policy.IngressRuleCount)
                : (_policy.Egress, _policy.EgressRuleCount);
            if (rules.Count < count)
            {
                why = $"{Word(direction)} rules were not read, and";
                return false;
            }

            why = string.Empty;
            return true;
        }

        public (TierAction Action, string? Rule) FirstMatch(
            PolicyDirection direction,
            Party other,
            PodInfo? receiver,
            TransportProtocol protocol,
            int port,
            SnapshotIndex index,
            List<string> unknowns)
        {
            var rules = direction == PolicyDirection.Ingress ? _policy.Ingress : _policy.Egress;
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                var name = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Display} {Word(direction)} rule {i + 1}{(string.IsNullOrEmpty(rule.Name) ? string.Empty : $" '{rule.Name}'")}");
                var action = Action(rule.Action);
                if (action is null)
                {
                    unknowns.Add($"unknown: {name} has action '{rule.Action}', which reach does not model, and could change it");
                    continue;
                }

                var match = Both(Peers(rule, other, index, out var peerWhy), Ports(rule, receiver, protocol, port, out var portWhy));
                if (match == Match.Yes)
                {
                    return (action.Value, $"{name} ({rule.Action})");
                }

                if (match == Match.Maybe)
                {
                    unknowns.Add($"unknown: {name} ({rule.Action}) {peerWhy ?? portWhy} could change it");
                }
            }

            return (TierAction.None, null);
        }

        private TierAction? Action(string action) => action switch
        {
            "Allow" when Tier == AdminTier.Admin || !IsClusterNetworkPolicy => TierAction.Allow,
            "Accept" when IsClusterNetworkPolicy => TierAction.Allow,
            "Deny" => TierAction.Deny,
            "Pass" when Tier == AdminTier.Admin => TierAction.Pass,
            // A Baseline-tier Pass hands the connection to the default, which allows it.
            "Pass" when IsClusterNetworkPolicy => TierAction.Allow,
            _ => null,
        };

        private bool IsClusterNetworkPolicy => string.Equals(_policy.Kind, "ClusterNetworkPolicy", StringComparison.Ordinal);

        private static string Word(PolicyDirection direction) => direction == PolicyDirection.Ingress ? "ingress" : "egress";

        private static Match Peers(AdminPolicyRule rule, Party other, SnapshotIndex index, out string? why)
        {
            why = null;
            var result = Match.No;
            foreach (var peer in rule.Peers)
            {
                var match = Peer(peer, other, index, out var peerWhy);
                if (match == Match.Yes)
                {
                    why = null;
                    return Match.Yes;
                }

                if (match == Match.Maybe)
                {
                    why ??= peerWhy;
                    result = Match.Maybe;
                }
            }

            return result;
        }

        private static Match Peer(AdminPolicyPeer peer, Party other, SnapshotIndex index, out string? why)
        {
            why = null;
            if (peer.Unmodelled is { } field)
            {
                var couldMatch = field switch
                {
                    "nodes" => other.Address is not null || other.Pod?.HostNetwork == true,
                    "domainNames" => other.Address is not null,
                    _ => true,
                };
                why = $"(peer {field}, not modelled)";
                return couldMatch ? Match.Maybe : Match.No;
            }

            if (peer.Networks is { } networks)
            {
                if (other.Address is { } address)
                {
                    foreach (var network in networks)
                    {
                        if (Cidr.TryParse(network, out var cidr) && cidr!.Contains(address))
                        {
                            return Match.Yes;
                        }
                    }

                    return Match.No;
                }

                // Pod traffic is checked against networks too, and the snapshot has no pod IPs.
                why = $"(networks {string.Join(", ", networks)}: the pod's IP is not known)";
                return Match.Maybe;
            }

            if (other.Pod is not { HostNetwork: false } pod)
            {
                return Match.No; // namespaces and pods peers never select addresses or host-networked pods.
            }

            var namespaceLabels = index.NamespaceLabels(pod.Namespace);
            var selected = peer.IsPods
                ? LabelSelectors.Matches(peer.PodsNamespaceSelector, namespaceLabels) && LabelSelectors.Matches(peer.PodsPodSelector, pod.Labels)
                : peer.Namespaces is not null && LabelSelectors.Matches(peer.Namespaces, namespaceLabels);
            return selected ? Match.Yes : Match.No;
        }

        private static Match Ports(AdminPolicyRule rule, PodInfo? receiver, TransportProtocol protocol, int port, out string? why)
        {
            why = null;
            if (rule.Ports is null)
            {
                return Match.Yes;
            }

            var result = Match.No;
            foreach (var entry in rule.Ports)
            {
                if (entry.Unmodelled is { } form)
                {
                    why ??= $"(port {form}, not modelled)";
                    result = Match.Maybe;
                    continue;
                }

                if (entry.NamedPort is { } name)
                {
                    if (receiver is null)
                    {
                        continue; // an address has no named ports.
                    }

                    if (receiver.ContainerPorts is null)
                    {
                        why ??= $"(named port {name}: the container ports of {SnapshotIndex.Key(receiver.Namespace, receiver.Name)} are unknown)";
                        result = Match.Maybe;
                        continue;
                    }

                    if (receiver.ContainerPorts.Any(c => string.Equals(c.Name, name, StringComparison.Ordinal)
                        && c.Port == port && TransportProtocols.TryParse(c.Protocol, out var p) && p == protocol))
                    {
                        return Match.Yes;
                    }

                    continue;
                }

                if (!TransportProtocols.TryParse(entry.Protocol, out var entryProtocol) || entryProtocol != protocol)
                {
                    continue;
                }

                if (entry.Port is not int from)
                {
                    return Match.Yes; // a protocol without a port matches all its ports.
                }

                var to = entry.EndPort ?? from;
                if (port >= from && port <= to)
                {
                    return Match.Yes;
                }
            }

            return result;
        }

        private static Match Both(Match peers, Match ports) => Matches.Both(peers, ports);
    }
}
