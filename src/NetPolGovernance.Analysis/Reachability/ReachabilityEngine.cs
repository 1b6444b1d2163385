using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// Answers connection questions on a snapshot: allowed(src → dst, protocol, port) = egress-allowed(src) AND
/// ingress-allowed(dst) (docs/semantics.md §4–§7). Only <c>networking.k8s.io/v1</c>
/// NetworkPolicies are evaluated; the explanation says when other policy kinds could change the answer.
/// Pure and immutable after construction, so one engine may answer many questions, from many threads.
/// </summary>
public sealed class ReachabilityEngine
{
    private readonly SnapshotIndex _index;
    private readonly PolicySelection _selection;

    public ReachabilityEngine(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _index = new SnapshotIndex(snapshot);
        _selection = new PolicySelection(_index);
    }

    internal SnapshotIndex Index => _index;

    /// <summary>Answers one question with an explanation naming the isolating policies and the admitting rules.</summary>
    public ReachabilityResult Evaluate(ReachabilityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Port is < PortSet.MinPort or > PortSet.MaxPort)
        {
            return Failed(query, string.Create(CultureInfo.InvariantCulture, $"port {query.Port} is outside 1-65535"));
        }

        if (!TryResolve(query.From, out var from, out var fromError))
        {
            return Failed(query, fromError);
        }

        if (!TryResolve(query.To, out var to, out var toError))
        {
            return Failed(query, toError);
        }

        var notes = Notes(from, to);
        if (from.Pod is not null && ReferenceEquals(from.Pod, to.Pod))
        {
            return Answer(query, allowed: true, [$"{from} to itself: a pod cannot block access to itself"], notes);
        }

        var egress = from.Pod is null
            ? Outside(PolicyDirection.Egress, from)
            : Side(PolicyDirection.Egress, from.Pod, to, to.Pod, query.Protocol, query.Port, notes);
        var ingress = to.Pod is null
            ? Outside(PolicyDirection.Ingress, to)
            : Side(PolicyDirection.Ingress, to.Pod, from, to.Pod, query.Protocol, query.Port, notes);
        return Answer(query, egress.Allowed && ingress.Allowed, [egress.Text, ingress.Text], notes);
    }

    /// <summary>
    /// Every (protocol, port) on which <paramref name="from"/> may connect to <paramref name="to"/>: what the
    /// source's egress admits intersected with what the destination's ingress admits. A pod reaches itself on any port.
    /// </summary>
    internal PortSet AllowedTraffic(PodInfo from, PodInfo to) =>
        ReferenceEquals(from, to) ? PortSet.All : TrafficBetween(Party.Of(from), Party.Of(to));

    /// <summary>
    /// Like <see cref="AllowedTraffic(PodInfo, PodInfo)"/> but for any two parties and without the "itself" rule,
    /// so a representative pod can stand for another pod with the same labels. Addresses are not subject to policy.
    /// </summary>
    internal PortSet TrafficBetween(Party from, Party to)
    {
        var egress = from.Pod is null ? PortSet.All : SideTraffic(PolicyDirection.Egress, from.Pod, to, to.Pod);
        return egress.IsEmpty || to.Pod is null
            ? egress
            : egress.Intersect(SideTraffic(PolicyDirection.Ingress, to.Pod, from, to.Pod));
    }

    private PortSet SideTraffic(PolicyDirection direction, PodInfo subject, Party other, PodInfo? receiver)
    {
        var policies = _selection.Selecting(subject, direction);
        if (policies.Count == 0)
        {
            return PortSet.All;
        }

        var result = PortSet.Empty;
        foreach (var policy in policies)
        {
            foreach (var rule in PolicyDirections.Rules(policy.Policy, direction))
            {
                if (RuleMatcher.MatchingPeer(rule, policy.Policy.Namespace, other, _index, direction) is not null)
                {
                    result = result.Union(RuleMatcher.Ports(rule, receiver));
                    if (result.IsAll)
                    {
                        return result;
                    }
                }
            }
        }

        return result;
    }

    private SideOutcome Side(
        PolicyDirection direction,
        PodInfo subject,
        Party other,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        List<string> notes)
    {
        var label = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var subjectKey = SnapshotIndex.Key(subject.Namespace, subject.Name);
        var policies = _selection.Selecting(subject, direction);
        if (policies.Count == 0)
        {
            return new SideOutcome(true, $"{label}: {subjectKey} not isolated");
        }

        var admitting = new List<string>();
        foreach (var policy in policies)
        {
            var rules = PolicyDirections.Rules(policy.Policy, direction);
            for (var i = 0; i < rules.Count; i++)
            {
                var peer = RuleMatcher.MatchingPeer(rules[i], policy.Policy.Namespace, other, _index, direction);
                if (peer is null)
                {
                    continue;
                }

                if (RuleMatcher.Ports(rules[i], receiver).Contains(protocol, port))
                {
                    var ports = RuleMatcher.DescribeAdmittingPort(rules[i], receiver, protocol, port);
                    admitting.Add(string.Create(CultureInfo.InvariantCulture, $"{policy.Key} rule {i + 1} ({peer}, {ports})"));
                }
                else if (RuleMatcher.HasUnresolvableNamedPort(rules[i], receiver))
                {
                    notes.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{policy.Key} {label} rule {i + 1} names a port, but the container ports of {SnapshotIndex.Key(receiver!.Namespace, receiver.Name)} are unknown, so the name could not be resolved"));
                }
            }
        }

        var isolatedBy = string.Join(", ", policies.Select(p => p.Key));
        var traffic = string.Create(CultureInfo.InvariantCulture, $"{port}/{protocol.ToKubernetes()}");
        return admitting.Count > 0
            ? new SideOutcome(true, $"{label}: {subjectKey} isolated by {isolatedBy}, admitted by {string.Join(", ", admitting)}")
            : new SideOutcome(false, $"{label}: {subjectKey} isolated by {isolatedBy}; no {label} rule admits {other} on {traffic}");
    }

    private static SideOutcome Outside(PolicyDirection direction, Party party) =>
        new(true, $"{(direction == PolicyDirection.Ingress ? "ingress" : "egress")}: {party} is outside the cluster (not subject to NetworkPolicy)");

    private bool TryResolve(ReachabilityEndpoint endpoint, out Party party, out string error)
    {
        if (!endpoint.IsPod)
        {
            party = Party.Of(endpoint.Address);
            error = string.Empty;
            return true;
        }

        var pod = _index.FindPod(endpoint.Namespace, endpoint.Pod);
        if (pod is null)
        {
            party = default;
            error = $"pod {endpoint} is not in the snapshot";
            return false;
        }

        party = Party.Of(pod);
        error = string.Empty;
        return true;
    }

    private List<string> Notes(Party from, Party to)
    {
        var snapshot = _index.Snapshot;
        var notes = new List<string>();
        if (string.Equals(snapshot.NetworkProfile?.NetworkPolicy, "none", StringComparison.OrdinalIgnoreCase))
        {
            notes.Add("networkProfile.networkPolicy is none: the cluster enforces no NetworkPolicy, so in practice nothing is filtered");
        }

        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var party in (ReadOnlySpan<Party>)[from, to])
        {
            if (party.Pod is not null)
            {
                namespaces.Add(party.Pod.Namespace);
                if (party.Pod.HostNetwork)
                {
                    notes.Add($"{party} uses hostNetwork: NetworkPolicy behaviour for it is implementation-defined (usually treated as node traffic)");
                }
            }
        }

        var crds = snapshot.CiliumPolicies.Where(p => p.IsClusterwide || namespaces.Contains(p.Namespace!)).Select(p => $"{p.Kind} {Name(p.Namespace, p.Name)}")
            .Concat(snapshot.CalicoPolicies.Where(p => p.IsGlobal || namespaces.Contains(p.Namespace!)).Select(p => $"{p.Kind} {Name(p.Namespace, p.Name)}"))
            .Concat(snapshot.AdminPolicies.Select(p => $"{p.Kind} {p.Name}"))
            .ToList();
        if (crds.Count > 0)
        {
            notes.Add($"only Kubernetes NetworkPolicies are evaluated; these policies could change the answer: {string.Join(", ", crds.Take(5))}{(crds.Count > 5 ? string.Create(CultureInfo.InvariantCulture, $" and {crds.Count - 5} more") : string.Empty)}");
        }

        foreach (var invisible in snapshot.InvisibleKinds)
        {
            notes.Add($"{invisible.Kind} ({invisible.ApiGroup}) could not be read ({invisible.Reason}) and could change the answer");
        }

        return notes;
    }

    private static string Name(string? ns, string name) => ns is null ? name : SnapshotIndex.Key(ns, name);

    private static ReachabilityResult Answer(ReachabilityQuery query, bool allowed, IEnumerable<string> parts, List<string> notes)
    {
        var text = string.Join("; ", parts);
        if (notes.Count > 0)
        {
            text += "; note: " + string.Join("; note: ", notes.Distinct(StringComparer.Ordinal));
        }

        return new ReachabilityResult { Query = query, Allowed = allowed, Explanation = text };
    }

    private static ReachabilityResult Failed(ReachabilityQuery query, string error) =>
        new() { Query = query, Allowed = false, Explanation = error, Error = error };

    private readonly record struct SideOutcome(bool Allowed, string Text);
}
