using System.Globalization;
using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;
using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// Answers connection questions on a snapshot: allowed(src → dst, protocol, port) = egress-allowed(src) AND
/// ingress-allowed(dst) (docs/semantics.md §4–§7). Each side goes through the Admin tier (AdminNetworkPolicy and
/// Admin-tier ClusterNetworkPolicy), then NetworkPolicy, then the Baseline tier (§11), for the kinds the cluster's
/// engine enforces (§10); on the middle tier Cilium rules add to NetworkPolicy with deny-over-allow (§7.1) and Calico
/// policies share Calico's default tier with it (§7.2). Any field that is not modelled makes the answer unknown. Pure and immutable after construction, so one engine may answer many questions, from many
/// threads. <see cref="TrafficBetween"/> and <see cref="AllowedTraffic"/> (used by remediation) stay NetworkPolicy-only.
/// </summary>
public sealed class ReachabilityEngine
{
    private readonly SnapshotIndex _index;
    private readonly PolicySelection _selection;
    private readonly EngineState _engine;
    private readonly AdminTiers _tiers;
    private readonly CrdGovernance _crds;
    private readonly string[] _ignored;
    private readonly string[] _leftOut;

    public ReachabilityEngine(ClusterSnapshot snapshot)
        : this(snapshot, declaredEngine: null)
    {
    }

    /// <summary>
    /// An engine for <paramref name="snapshot"/>, with the policy engine the user declared (<c>--engine</c>) where the
    /// snapshot cannot name one (docs/semantics.md §10); an unrecognised name is refused.
    /// </summary>
    public ReachabilityEngine(ClusterSnapshot snapshot, string? declaredEngine)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        PolicyEngine? declared = null;
        if (declaredEngine is not null)
        {
            declared = EngineState.FromName(declaredEngine)
                ?? throw new ArgumentException(
                    $"unknown policy engine '{declaredEngine}'; expected one of {string.Join(", ", PolicyEngines.DeclarableNames)}",
                    nameof(declaredEngine));
        }

        // The policies scan counts (docs/semantics.md §14): an object the API server would reject protects nothing, so it
        // is left out here exactly as SnapshotAnalyzer leaves it out, whoever built this engine.
        var validation = ObjectValidator.ValidatePolicies(snapshot);
        snapshot = validation.WithoutRejectedPolicies(snapshot);
        _leftOut = [.. validation.Rejected.Where(r => r.IsPolicy).Select(r => $"{r.Describe()} would be rejected by the API server ({r.Violations[0]}) and was not evaluated")];
        _index = new SnapshotIndex(snapshot);
        _selection = new PolicySelection(_index);
        _engine = EngineState.Resolve(snapshot.NetworkProfile, snapshot.EngineEvidence, declared);
        var ignored = new List<string>();
        _tiers = new AdminTiers(snapshot, _engine, ignored);
        _crds = new CrdGovernance(snapshot, _engine, ignored);
        _ignored = [.. ignored];
    }

    internal SnapshotIndex Index => _index;

    /// <summary>Answers one question with an explanation naming the isolating policies and the admitting rules.</summary>
    public ReachabilityResult Evaluate(ReachabilityQuery query) => Evaluate(query, egress: true);

    /// <summary>
    /// Answers only the destination's side: would the destination's ingress policies (every tier) admit the connection,
    /// whatever the source's egress says. The runtime proof (NPG-N13) asks this of traffic seen forwarded at the
    /// destination's ingress, which the source's egress evidently let out. The explanation names the ingress side only.
    /// </summary>
    public ReachabilityResult EvaluateIngress(ReachabilityQuery query) => Evaluate(query, egress: false);

    /// <summary>
    /// The NetworkPolicy rules that admit the connection on one side: the <paramref name="direction"/> rules of the
    /// policies selecting <paramref name="subject"/> whose peers match <paramref name="other"/> on this protocol and port.
    /// Empty when the subject is not a pod of the snapshot or no policy selects it.
    /// </summary>
    internal IEnumerable<(CompiledPolicy Policy, int Rule)> AdmittingRules(
        PolicyDirection direction,
        ReachabilityEndpoint subject,
        ReachabilityEndpoint other,
        TransportProtocol protocol,
        int port)
    {
        if (!TryResolve(subject, out var self, out _) || self.Pod is null || !TryResolve(other, out var peer, out _))
        {
            yield break;
        }

        var receiver = direction == PolicyDirection.Ingress ? self.Pod : peer.Pod;
        foreach (var policy in _selection.Selecting(self.Pod, direction))
        {
            var rules = PolicyDirections.Rules(policy.Policy, direction);
            for (var i = 0; i < rules.Count; i++)
            {
                if (RuleMatcher.MatchingPeer(rules[i], policy.Policy.Namespace, peer, _index, direction) is not null
                    && RuleMatcher.Ports(rules[i], receiver).Contains(protocol, port))
                {
                    yield return (policy, i);
                }
            }
        }
    }

    private ReachabilityResult Evaluate(ReachabilityQuery query, bool egress)
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
            return Answer(query, allowed: true, [$"{from} to itself: a pod cannot block access to itself"], notes, []);
        }

        var unknowns = new List<string>();
        SideOutcome? egressSide = !egress ? null
            : from.Pod is null
            ? Outside(PolicyDirection.Egress, from)
            : TieredSide(PolicyDirection.Egress, from.Pod, to, to.Pod, query.Protocol, query.Port, unknowns);
        var ingress = to.Pod is null
            ? Outside(PolicyDirection.Ingress, to)
            : TieredSide(PolicyDirection.Ingress, to.Pod, from, to.Pod, query.Protocol, query.Port, unknowns);
        return egressSide is { } outgoing
            ? Answer(query, outgoing.Allowed && ingress.Allowed, [outgoing.Text, ingress.Text], notes, unknowns)
            : Answer(query, ingress.Allowed, [ingress.Text], notes, unknowns);
    }

    /// <summary>One side through the tiers: Admin (Allow/Deny final, Pass on), NetworkPolicy if it isolates, else Baseline.</summary>
    private SideOutcome TieredSide(
        PolicyDirection direction,
        PodInfo subject,
        Party other,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        List<string> unknowns)
    {
        var label = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var subjectKey = SnapshotIndex.Key(subject.Namespace, subject.Name);
        unknowns.AddRange(_crds.ByServiceAccount(subject));

        var admin = _tiers.Decide(AdminTier.Admin, direction, subject, other, receiver, protocol, port, _index);
        unknowns.AddRange(admin.Unknowns);
        switch (admin.Action)
        {
            case TierAction.Allow:
                return new SideOutcome(true, $"{label}: {subjectKey} allowed by {admin.Rule} (Admin tier, before NetworkPolicy)");
            case TierAction.Deny:
                return new SideOutcome(false, $"{label}: {subjectKey} denied by {admin.Rule} (Admin tier, before NetworkPolicy)");
        }

        var passed = admin.Action == TierAction.Pass ? $"passed on by {admin.Rule}; " : string.Empty;
        if (Middle(direction, subject, other, receiver, protocol, port, unknowns) is { } decided)
        {
            return passed.Length == 0 ? decided : decided with { Text = $"{label}: {passed}{decided.Text[(label.Length + 2)..]}" };
        }

        var baseline = _tiers.Decide(AdminTier.Baseline, direction, subject, other, receiver, protocol, port, _index);
        unknowns.AddRange(baseline.Unknowns);
        return baseline.Action switch
        {
            TierAction.Deny => new SideOutcome(false, $"{label}: {passed}{subjectKey} not isolated by NetworkPolicy, denied by {baseline.Rule} (Baseline tier)"),
            TierAction.Allow => new SideOutcome(true, $"{label}: {passed}{subjectKey} not isolated by NetworkPolicy, allowed by {baseline.Rule} (Baseline tier)"),
            _ => new SideOutcome(true, $"{label}: {passed}{subjectKey} not isolated"),
        };
    }

    /// <summary>
    /// The tier between Admin and Baseline: NetworkPolicy, with the Cilium rules (§7.1) or Calico's default tier (§7.2)
    /// where the engine counts them. Null when nothing there isolates the pod (or a Calico rule passed it on): the
    /// Baseline tier decides next.
    /// </summary>
    private SideOutcome? Middle(
        PolicyDirection direction,
        PodInfo subject,
        Party other,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        List<string> unknowns)
    {
        var useCilium = !_crds.Cilium.IsEmpty || _crds.CiliumEnforcesAlways;
        var useCalico = !_crds.Calico.IsEmpty && !subject.HostNetwork;
        if (useCilium || useCalico)
        {
            var view = _crds.View(subject);
            var otherView = other.Pod is { } otherPod ? _crds.View(otherPod) : null;
            if (useCilium && useCalico)
            {
                // Only with an unknown engine do both count; one engine enforces one of the two.
                var ciliumSelects = _crds.Cilium.Selects(view, direction);
                var calicoSelects = _crds.Calico.Selects(view, direction);
                if (ciliumSelects && calicoSelects)
                {
                    unknowns.Add($"unknown: both Cilium and Calico policies select {SnapshotIndex.Key(subject.Namespace, subject.Name)} and the engine is {_engine.Name} ({_engine.Basis}), so which of them is enforced could change it");
                }

                useCilium = ciliumSelects || !calicoSelects;
                useCalico = !useCilium;
            }

            if (useCilium)
            {
                return CiliumSide(direction, subject, view, other, otherView, receiver, protocol, port, unknowns);
            }

            var decision = _crds.Calico.Decide(
                direction,
                view,
                other,
                otherView,
                receiver,
                protocol,
                port,
                _selection.Selecting(subject, direction),
                (policy, reasons) => Admitting(policy, direction, other, receiver, protocol, port, reasons));
            unknowns.AddRange(decision.Unknowns);
            return decision.Action is TierAction.Allow or TierAction.Deny ? new SideOutcome(decision.Action == TierAction.Allow, decision.Text) : null;
        }

        if (_selection.Selecting(subject, direction).Count == 0)
        {
            return null;
        }

        // An unresolvable named port matters only when nothing else admits the connection.
        var unresolved = new List<string>();
        var outcome = Side(direction, subject, other, receiver, protocol, port, unresolved);
        if (!outcome.Allowed)
        {
            unknowns.AddRange(unresolved);
        }

        return outcome;
    }

    /// <summary>
    /// Cilium (§7.1): a matching deny rule wins; otherwise, where a NetworkPolicy or a Cilium rule isolates the pod,
    /// the connection needs an allow from either; otherwise the pod is not isolated.
    /// </summary>
    private SideOutcome? CiliumSide(
        PolicyDirection direction,
        PodInfo subject,
        PodView view,
        Party other,
        PodView? otherView,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        List<string> unknowns)
    {
        var label = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var subjectKey = SnapshotIndex.Key(subject.Namespace, subject.Name);
        var cilium = _crds.Cilium.Evaluate(direction, view, other, otherView, receiver, protocol, port);
        if (cilium.DeniedBy is { } deny)
        {
            return new SideOutcome(false, $"{label}: {subjectKey} denied by {deny} (Cilium deny rules override every allow)");
        }

        var policies = _selection.Selecting(subject, direction);
        var ciliumIsolatedBy = _crds.CiliumEnforcesAlways && !subject.HostNetwork ? [.. cilium.IsolatedBy, "Cilium enable-policy=always"] : cilium.IsolatedBy;
        if (policies.Count == 0 && ciliumIsolatedBy.Count == 0)
        {
            unknowns.AddRange(cilium.DenyUnknowns);
            if (cilium.AllowedBy is null)
            {
                return null;
            }

            return new SideOutcome(true, $"{label}: {subjectKey} not isolated (Cilium default deny is off), admitted by {cilium.AllowedBy}");
        }

        var unresolved = new List<string>();
        var networkPolicy = policies.Count > 0 ? Side(direction, subject, other, receiver, protocol, port, unresolved) : default;
        if (networkPolicy.Allowed)
        {
            unknowns.AddRange(cilium.DenyUnknowns);
            return networkPolicy;
        }

        var isolatedBy = string.Join(", ", policies.Select(p => p.Key).Concat(ciliumIsolatedBy));
        if (cilium.AllowedBy is { } allow)
        {
            unknowns.AddRange(cilium.DenyUnknowns);
            return new SideOutcome(true, $"{label}: {subjectKey} isolated by {isolatedBy}, admitted by {allow}");
        }

        unknowns.AddRange(unresolved);
        unknowns.AddRange(cilium.AllowUnknowns);
        var traffic = string.Create(CultureInfo.InvariantCulture, $"{port}/{protocol.ToKubernetes()}");
        return new SideOutcome(false, $"{label}: {subjectKey} isolated by {isolatedBy}; no {label} rule admits {other} on {traffic}");
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
            admitting.AddRange(Admitting(policy, direction, other, receiver, protocol, port, notes));
        }

        var isolatedBy = string.Join(", ", policies.Select(p => p.Key));
        var traffic = string.Create(CultureInfo.InvariantCulture, $"{port}/{protocol.ToKubernetes()}");
        return admitting.Count > 0
            ? new SideOutcome(true, $"{label}: {subjectKey} isolated by {isolatedBy}, admitted by {string.Join(", ", admitting)}")
            : new SideOutcome(false, $"{label}: {subjectKey} isolated by {isolatedBy}; no {label} rule admits {other} on {traffic}");
    }

    /// <summary>The rules of one NetworkPolicy that admit the connection; an unresolvable named port is added to <paramref name="notes"/>.</summary>
    private List<string> Admitting(
        CompiledPolicy policy,
        PolicyDirection direction,
        Party other,
        PodInfo? receiver,
        TransportProtocol protocol,
        int port,
        List<string> notes)
    {
        var label = direction == PolicyDirection.Ingress ? "ingress" : "egress";
        var admitting = new List<string>();
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
                    $"unknown: NetworkPolicy {policy.Key} {label} rule {i + 1} names a port, but the container ports of {SnapshotIndex.Key(receiver!.Namespace, receiver.Name)} are unknown, so the name could not be resolved and could change it"));
            }
        }

        return admitting;
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
        var notes = new List<string>();
        if (_engine.Enforces(PolicyKind.NetworkPolicy) == Enforcement.NotEnforced)
        {
            notes.Add($"the cluster's engine enforces no NetworkPolicy ({_engine.Basis}), so in practice nothing is filtered");
        }

        foreach (var party in (ReadOnlySpan<Party>)[from, to])
        {
            if (party.Pod is not null)
            {
                if (party.Pod.HostNetwork)
                {
                    notes.Add($"{party} uses hostNetwork: NetworkPolicy behaviour for it is implementation-defined (usually treated as node traffic)");
                }
            }
        }

        notes.AddRange(_leftOut.Take(5));
        if (_leftOut.Length > 5)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{_leftOut.Length - 5} more objects would be rejected by the API server and were not evaluated"));
        }

        notes.AddRange(_ignored.Take(5));
        if (_ignored.Length > 5)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{_ignored.Length - 5} more objects are not enforced by the cluster's engine and were not evaluated"));
        }

        return notes;
    }

    private ReachabilityResult Answer(ReachabilityQuery query, bool allowed, IEnumerable<string> parts, List<string> notes, List<string> unknowns)
    {
        // A kind that could not be read could hold anything; it makes every answer unknown.
        var because = unknowns.Concat(_index.Snapshot.InvisibleKinds.Select(invisible =>
                $"unknown: {invisible.Kind} ({invisible.ApiGroup}) could not be read ({invisible.Reason}) and could change it"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var text = string.Join("; ", parts);
        if (because.Count > 0)
        {
            text += "; " + string.Join("; ", because);
        }

        if (notes.Count > 0)
        {
            text += "; note: " + string.Join("; note: ", notes.Distinct(StringComparer.Ordinal));
        }

        return new ReachabilityResult { Query = query, Allowed = allowed, Explanation = text, UnknownBecause = because };
    }

    private static ReachabilityResult Failed(ReachabilityQuery query, string error) =>
        new() { Query = query, Allowed = false, Explanation = error, Error = error };

    private readonly record struct SideOutcome(bool Allowed, string Text);
}
