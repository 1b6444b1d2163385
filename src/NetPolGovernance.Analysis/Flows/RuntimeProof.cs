using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// Runtime against static, per namespace (docs/flows.md, "Runtime proof"): how often each policy was used (as the
/// dataplane credits it in the flows' <c>Policies</c> data, and as the static rules match the forwarded traffic), the
/// allow rules no forwarded connection used in the window, the allow-all policies that really carried traffic, drops by
/// owning workload, and the contradictions: connections forwarded at the destination pod's ingress although that pod's
/// ingress policies deny them (NPG-N13). Pure: it reads aggregated edges only, so its cost grows with distinct
/// connections, never with flow lines.
/// </summary>
public sealed class RuntimeProof
{
    /// <summary>At most this many contradictions and unverified connections are kept per namespace (all are counted).</summary>
    public const int MaxListed = 20;

    private readonly Dictionary<string, Builder> _namespaces = new(StringComparer.Ordinal);
    private readonly SnapshotIndex _index;

    private RuntimeProof(ClusterSnapshot snapshot, ObservedTraffic traffic)
    {
        Traffic = traffic;
        var engine = new ReachabilityEngine(snapshot);
        _index = engine.Index;
        var resolver = new FlowPeerResolver(_index);
        foreach (var edge in traffic.Edges)
        {
            Add(engine, resolver, edge);
        }
    }

    public ObservedTraffic Traffic { get; }

    /// <summary>Judges <paramref name="traffic"/> against the policies of <paramref name="snapshot"/> (the accepted objects).</summary>
    public static RuntimeProof Compute(ClusterSnapshot snapshot, ObservedTraffic traffic)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(traffic);
        return new RuntimeProof(snapshot, traffic);
    }

    /// <summary>
    /// What the flows show for namespace <paramref name="ns"/>; <paramref name="allowAllPolicies"/> are its allow-all
    /// policies (docs/semantics.md §8), of which those that carried traffic are named.
    /// </summary>
    public NamespaceRuntime For(string ns, IEnumerable<string> allowAllPolicies)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(allowAllPolicies);
        _namespaces.TryGetValue(ns, out var builder);
        var policies = _index.NetworkPoliciesIn(ns);
        var hits = new List<PolicyHitCount>();
        var unused = new List<string>();
        foreach (var policy in policies.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var key = SnapshotIndex.Key(ns, policy.Name);
            long matched = 0;
            foreach (var direction in (ReadOnlySpan<PolicyDirection>)[PolicyDirection.Ingress, PolicyDirection.Egress])
            {
                if ((PolicyDirections.EffectiveTypes(policy) & direction) != direction)
                {
                    continue;
                }

                var rules = PolicyDirections.Rules(policy, direction);
                for (var i = 0; i < rules.Count; i++)
                {
                    var used = builder?.RuleHits.GetValueOrDefault((policy.Name, direction, i)) ?? 0;
                    matched += used;
                    if (used == 0 && builder is { Connections: > 0 })
                    {
                        unused.Add(string.Create(CultureInfo.InvariantCulture, $"{key} {(direction == PolicyDirection.Ingress ? "ingress" : "egress")} rule {i + 1}"));
                    }
                }
            }

            hits.Add(new PolicyHitCount(key, matched, builder?.Reported.GetValueOrDefault(key) ?? 0));
        }

        // Policies the dataplane credited that are not NetworkPolicies of the snapshot (Cilium or Calico kinds, or gone since).
        if (builder is not null)
        {
            foreach (var (name, count) in builder.Reported.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!hits.Any(h => string.Equals(h.Policy, name, StringComparison.Ordinal)))
                {
                    hits.Add(new PolicyHitCount(name, null, count));
                }
            }
        }

        var allowAll = allowAllPolicies.Select(p => SnapshotIndex.Key(ns, p)).ToHashSet(StringComparer.Ordinal);
        return new NamespaceRuntime
        {
            Namespace = ns,
            Window = Traffic.Window,
            Connections = builder?.Connections ?? 0,
            IngressForwarded = builder?.IngressForwarded ?? 0,
            EgressForwarded = builder?.EgressForwarded ?? 0,
            Dropped = builder?.Drops.Values.Sum(d => d.Ingress + d.Egress) ?? 0,
            PolicyHits = hits,
            UnusedRules = unused,
            AllowAllCarryingTraffic = [.. hits.Where(h => allowAll.Contains(h.Policy) && (h.Matched > 0 || h.Reported > 0))],
            DropsByOwner = builder is null ? [] : [.. builder.Drops
                .Select(d => new OwnerDropCount(d.Key, d.Value.Ingress, d.Value.Egress))
                .OrderByDescending(d => d.Ingress + d.Egress)
                .ThenBy(d => d.Owner, StringComparer.Ordinal)],
            Contradictions = builder?.Contradictions ?? [],
            ContradictionCount = builder?.ContradictionCount ?? 0,
            Unverified = builder?.Unverified ?? [],
            UnverifiedCount = builder?.UnverifiedCount ?? 0,
            Unmatched = builder?.Unmatched ?? 0,
        };
    }

    private void Add(ReachabilityEngine engine, FlowPeerResolver resolver, FlowEdge edge)
    {
        var source = edge.Key.Source;
        var destination = edge.Key.Destination;
        var fromOk = resolver.TryResolve(source, edge.SourceSample, out var from, out _);
        var toOk = resolver.TryResolve(destination, edge.DestinationSample, out var to, out _);
        var sourceNs = source.Kind == FlowPeerKind.Address ? null : source.Namespace;
        var destinationNs = destination.Kind == FlowPeerKind.Address ? null : destination.Namespace;
        var traffic = string.Create(CultureInfo.InvariantCulture, $"{edge.Key.Port}/{edge.Key.Protocol.ToKubernetes()}");

        if (destinationNs is not null)
        {
            var target = Namespace(destinationNs);
            target.Connections++;
            target.IngressForwarded += edge.Ingress.Forwarded;
            target.Drop(destination.Name, ingress: edge.Ingress.Dropped, egress: 0);
            if (edge.Ingress.Forwarded > 0)
            {
                if (!fromOk || !toOk)
                {
                    target.Unmatched++;
                }
                else if (_index.FindPod(to.Namespace!, to.Pod!) is { HostNetwork: true })
                {
                    target.Unmatched++;
                }
                else
                {
                    var query = new ReachabilityQuery(from, to, edge.Key.Protocol, edge.Key.Port);
                    var answer = engine.EvaluateIngress(query);
                    switch (answer.Verdict)
                    {
                        case ReachabilityVerdict.Denied:
                            target.Contradict(new RuntimeContradiction(
                                source.ToString(), destination.ToString(), edge.Key.Protocol, edge.Key.Port, edge.Ingress.Forwarded, edge.FirstSeen, edge.LastSeen, answer.Explanation));
                            break;
                        case ReachabilityVerdict.Unknown:
                            target.Unverify($"{source} -> {destination} on {traffic}: {string.Join("; ", answer.UnknownBecause.Append(answer.Error).OfType<string>())}");
                            break;
                        default:
                            target.Credit(engine.AdmittingRules(PolicyDirection.Ingress, to, from, edge.Key.Protocol, edge.Key.Port), PolicyDirection.Ingress, edge.Ingress.Forwarded);
                            break;
                    }
                }
            }
        }

        if (sourceNs is not null)
        {
            var origin = Namespace(sourceNs);
            if (!string.Equals(sourceNs, destinationNs, StringComparison.Ordinal))
            {
                origin.Connections++;
            }

            origin.EgressForwarded += edge.Egress.Forwarded;
            origin.Drop(source.Name, ingress: 0, egress: edge.Egress.Dropped);
            if (edge.Egress.Forwarded > 0 && fromOk && toOk)
            {
                origin.Credit(engine.AdmittingRules(PolicyDirection.Egress, from, to, edge.Key.Protocol, edge.Key.Port), PolicyDirection.Egress, edge.Egress.Forwarded);
            }
        }

        foreach (var name in edge.AllowedBy)
        {
            if (QualifiedPolicy(name) is { } policy)
            {
                var owner = Namespace(policy.Namespace);
                owner.Reported[policy.Key] = owner.Reported.GetValueOrDefault(policy.Key) + edge.Forwarded;
            }
        }
    }

    /// <summary><c>ns/name</c> or <c>Kind ns/name</c> as the flow readers write a dataplane-credited policy; null when cluster-wide.</summary>
    private static (string Namespace, string Key)? QualifiedPolicy(string name)
    {
        var text = name.LastIndexOf(' ') is var space and >= 0 ? name[(space + 1)..] : name;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < text.Length - 1 ? (text[..slash], text) : null;
    }

    private Builder Namespace(string ns)
    {
        if (!_namespaces.TryGetValue(ns, out var builder))
        {
            builder = new Builder();
            _namespaces.Add(ns, builder);
        }

        return builder;
    }

    private sealed class Builder
    {
        public int Connections;
        public long IngressForwarded;
        public long EgressForwarded;
        public int Unmatched;
        public int ContradictionCount;
        public int UnverifiedCount;

        public Dictionary<(string Policy, PolicyDirection Direction, int Rule), long> RuleHits { get; } = [];

        public Dictionary<string, long> Reported { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (long Ingress, long Egress)> Drops { get; } = new(StringComparer.Ordinal);

        public List<RuntimeContradiction> Contradictions { get; } = [];

        public List<string> Unverified { get; } = [];

        public void Drop(string owner, long ingress, long egress)
        {
            if (ingress + egress == 0)
            {
                return;
            }

            var was = Drops.GetValueOrDefault(owner);
            Drops[owner] = (was.Ingress + ingress, was.Egress + egress);
        }

        public void Credit(IEnumerable<(CompiledPolicy Policy, int Rule)> rules, PolicyDirection direction, long count)
        {
            foreach (var (policy, rule) in rules)
            {
                var key = (policy.Policy.Name, direction, rule);
                RuleHits[key] = RuleHits.GetValueOrDefault(key) + count;
            }
        }

        public void Contradict(RuntimeContradiction contradiction)
        {
            ContradictionCount++;
            if (Contradictions.Count < MaxListed)
            {
                Contradictions.Add(contradiction);
            }
        }

        public void Unverify(string text)
        {
            UnverifiedCount++;
            if (Unverified.Count < MaxListed)
            {
                Unverified.Add(text);
            }
        }
    }
}

/// <summary>What the flows show for one namespace (<see cref="RuntimeProof"/>).</summary>
public sealed record NamespaceRuntime
{
    public required string Namespace { get; init; }

    /// <summary>The window of all the flows read (not only this namespace's).</summary>
    public FlowWindow? Window { get; init; }

    /// <summary>Distinct connections with an end in this namespace.</summary>
    public int Connections { get; init; }

    /// <summary>Events forwarded at the ingress of this namespace's pods.</summary>
    public long IngressForwarded { get; init; }

    /// <summary>Events forwarded at the egress of this namespace's pods.</summary>
    public long EgressForwarded { get; init; }

    /// <summary>Events dropped at either side of this namespace's pods.</summary>
    public long Dropped { get; init; }

    /// <summary>Every NetworkPolicy of the namespace, then the other policies the dataplane credited, with their counts.</summary>
    public IReadOnlyList<PolicyHitCount> PolicyHits { get; init; } = [];

    /// <summary>NetworkPolicy allow rules (<c>ns/name ingress rule 1</c>) no forwarded connection matched; empty when the namespace had no traffic.</summary>
    public IReadOnlyList<string> UnusedRules { get; init; } = [];

    /// <summary>Allow-all policies of the namespace that carried traffic in the window.</summary>
    public IReadOnlyList<PolicyHitCount> AllowAllCarryingTraffic { get; init; } = [];

    /// <summary>Dropped events by the owning workload (<c>Kind/name</c>, or the pod), most first.</summary>
    public IReadOnlyList<OwnerDropCount> DropsByOwner { get; init; } = [];

    /// <summary>Connections forwarded into this namespace's pods although their ingress policies deny them (the first <see cref="RuntimeProof.MaxListed"/>).</summary>
    public IReadOnlyList<RuntimeContradiction> Contradictions { get; init; } = [];

    public int ContradictionCount { get; init; }

    /// <summary>Connections forwarded into this namespace whose static answer is unknown (the first few, with why).</summary>
    public IReadOnlyList<string> Unverified { get; init; } = [];

    public int UnverifiedCount { get; init; }

    /// <summary>Connections forwarded into this namespace that no pod of the snapshot stands for (gone since, or hostNetwork).</summary>
    public int Unmatched { get; init; }
}

/// <summary>
/// How much a policy was used in the window: <see cref="Matched"/> forwarded events its rules admit by the static
/// rules (null for a kind the proof does not match, e.g. a Cilium policy), <see cref="Reported"/> events of connections
/// the dataplane credited to it in the flows' <c>Policies</c> data (0 where the engine does not correlate).
/// </summary>
public sealed record PolicyHitCount(string Policy, long? Matched, long Reported);

/// <summary>Dropped events of one owning workload, at its ingress and at its egress.</summary>
public sealed record OwnerDropCount(string Owner, long Ingress, long Egress);

/// <summary>A connection forwarded at the destination's ingress although its ingress policies deny it.</summary>
public sealed record RuntimeContradiction(
    string From,
    string To,
    TransportProtocol Protocol,
    int Port,
    long Forwarded,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Decision);
