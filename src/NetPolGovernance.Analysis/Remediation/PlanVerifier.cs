using System.Globalization;
using System.Net;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// Checks a namespace's plan with the reachability engine before it is proposed. Probe pods stand in for pods
/// that may exist later: an unlabelled pod in the namespace, a pod in another namespace, and the cluster DNS when
/// the snapshot has none. Checks:
/// <list type="bullet">
/// <item><c>dns</c>: every pod that reached the cluster DNS on UDP and TCP 53 before still does (snapshot + plan);</item>
/// <item><c>same-namespace</c>: what pods of the namespace allowed each other before is still allowed (baseline),
/// or still allowed on the declared container ports (strict); the ingress profile promises nothing here;</item>
/// <item><c>other-namespaces-cut</c>: the plan's policies alone admit nothing from another namespace or an external
/// address, and (baseline, strict) let nothing out but DNS;</item>
/// <item><c>never-widen</c> (added by the planner, on every plan applied together): no connection between existing
/// pods that is denied today would be allowed, on any port.</item>
/// </list>
/// </summary>
internal static class PlanVerifier
{
    public const string ProbePodName = "netpolgov-probe";
    public const string ProbeNamespace = "netpolgov-probe-elsewhere";
    public const string DnsProbePodName = "netpolgov-dns-probe";

    // TEST-NET-3 (RFC 5737): an address that is certainly outside the cluster.
    private static readonly IPAddress s_external = IPAddress.Parse("203.0.113.10");

    private static readonly (TransportProtocol Protocol, int Port)[] s_dns = [(TransportProtocol.Udp, 53), (TransportProtocol.Tcp, 53)];

    public static IReadOnlyList<VerificationCheck> Verify(
        ClusterSnapshot snapshot,
        string ns,
        RemediationProfile profile,
        IReadOnlyList<NetworkPolicy> plan,
        ObservedTraffic? traffic = null)
    {
        var nsProbe = new PodInfo { Namespace = ns, Name = ProbePodName };
        var elsewhereProbe = new PodInfo { Namespace = ProbeNamespace, Name = ProbePodName };
        var dnsPods = new SnapshotIndex(snapshot).Pods.Where(IsClusterDns).ToList();
        var probes = new List<PodInfo> { nsProbe, elsewhereProbe };
        if (dnsPods.Count == 0)
        {
            var dnsProbe = new PodInfo
            {
                Namespace = PolicyTemplates.DnsNamespace,
                Name = DnsProbePodName,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [PolicyTemplates.DnsPodLabelKey] = PolicyTemplates.DnsPodLabelValue },
                ContainerPorts = [new ContainerPort("dns", 53, "UDP"), new ContainerPort("dns-tcp", 53, "TCP")],
            };
            probes.Add(dnsProbe);
            dnsPods.Add(dnsProbe);
        }

        var probed = snapshot with { Pods = [.. snapshot.Pods, .. probes] };
        var before = new ReachabilityEngine(probed);
        var after = new ReachabilityEngine(RemediationPlanner.WithPlan(probed, ns, plan));
        var planOnly = new ReachabilityEngine(probed with { NetworkPolicies = plan });
        var nsPods = PodClass.Group(before.Index.PodsIn(ns), byPorts: true);

        var checks = new List<VerificationCheck> { Names(snapshot, ns, plan), Accepted(plan), Dns(before, after, nsPods, dnsPods) };
        if (profile is RemediationProfile.Baseline or RemediationProfile.Strict)
        {
            checks.Add(SameNamespace(before, after, nsPods, profile));
        }

        if (profile == RemediationProfile.Observed)
        {
            checks.Add(ObservedEdges(before, after, ns, traffic ?? throw new ArgumentNullException(nameof(traffic))));
            return checks;
        }

        checks.Add(OtherNamespacesCut(planOnly, nsPods, elsewhereProbe, profile));
        return checks;
    }

    private static bool IsClusterDns(PodInfo pod) =>
        string.Equals(pod.Namespace, PolicyTemplates.DnsNamespace, StringComparison.Ordinal)
        && pod.Labels.TryGetValue(PolicyTemplates.DnsPodLabelKey, out var value)
        && string.Equals(value, PolicyTemplates.DnsPodLabelValue, StringComparison.Ordinal);

    // A plan may replace its own earlier objects, never a policy someone else wrote under the same name.
    private static VerificationCheck Names(ClusterSnapshot snapshot, string ns, IReadOnlyList<NetworkPolicy> plan)
    {
        var conflicts = snapshot.NetworkPolicies
            .Where(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal)
                && !PolicyTemplates.IsManaged(p.Labels)
                && plan.Any(q => string.Equals(q.Name, p.Name, StringComparison.Ordinal)))
            .Select(p => p.Name)
            .ToList();
        return conflicts.Count == 0
            ? new VerificationCheck("names", true, "no existing policy that netpolgov does not manage has a planned name")
            : new VerificationCheck("names", false, $"policies not managed by netpolgov already use these names: {string.Join(", ", conflicts)}");
    }

    // The engine leaves out a policy the API server would reject, so a refused object would verify as harmless while
    // the apply fails half-way: every planned object must be one the API server accepts.
    private static VerificationCheck Accepted(IReadOnlyList<NetworkPolicy> plan)
    {
        var refused = plan
            .Select(p => (p.Name, Violations: ObjectValidator.ValidateNetworkPolicy(p)))
            .Where(p => p.Violations.Count > 0)
            .Select(p => $"{p.Name} ({p.Violations[0]})")
            .ToList();
        return refused.Count == 0
            ? new VerificationCheck("accepted", true, "the API server would accept every planned object")
            : new VerificationCheck("accepted", false, $"the API server would reject: {string.Join("; ", refused)}");
    }

    private static VerificationCheck Dns(ReachabilityEngine before, ReachabilityEngine after, IReadOnlyList<PodClass> nsPods, List<PodInfo> dnsPods)
    {
        var lost = new List<string>();
        var resolving = 0;
        foreach (var source in nsPods)
        {
            foreach (var dns in dnsPods)
            {
                var was = before.TrafficBetween(Party.Of(source.Representative), Party.Of(dns));
                var now = after.TrafficBetween(Party.Of(source.Representative), Party.Of(dns));
                foreach (var (protocol, port) in s_dns)
                {
                    if (was.Contains(protocol, port) && !now.Contains(protocol, port))
                    {
                        lost.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(source.Representative)} -> {Key(dns)} {port}/{protocol.ToKubernetes()}"));
                    }
                    else if (now.Contains(protocol, port))
                    {
                        resolving++;
                    }
                }
            }
        }

        return lost.Count == 0
            ? new VerificationCheck("dns", true, string.Create(CultureInfo.InvariantCulture, $"every pod that reached the cluster DNS on UDP and TCP 53 still does ({dnsPods.Count} DNS pod(s), {resolving} pod class/port pairs resolving)"))
            : new VerificationCheck("dns", false, $"DNS would be lost: {string.Join("; ", lost.Take(10))}");
    }

    private static VerificationCheck SameNamespace(ReachabilityEngine before, ReachabilityEngine after, IReadOnlyList<PodClass> nsPods, RemediationProfile profile)
    {
        var lost = new List<string>();
        foreach (var source in nsPods)
        {
            foreach (var destination in nsPods)
            {
                if (ReferenceEquals(source, destination) && source.Members.Count == 1)
                {
                    continue; // A pod reaches itself whatever the policies.
                }

                var from = Party.Of(source.Representative);
                var to = Party.Of(destination.Representative);
                var was = before.TrafficBetween(from, to);
                var now = after.TrafficBetween(from, to);
                var promised = profile == RemediationProfile.Baseline ? was : was.Intersect(Declared(destination.Representative));
                var missing = promised.Except(now);
                if (!missing.IsEmpty)
                {
                    lost.Add($"{Key(source.Representative)} -> {Key(destination.Representative)} {missing}");
                }
            }
        }

        var promise = profile == RemediationProfile.Baseline
            ? "pods of the namespace still reach each other as before"
            : "pods of the namespace still reach each other on their declared container ports";
        return lost.Count == 0
            ? new VerificationCheck("same-namespace", true, promise)
            : new VerificationCheck("same-namespace", false, $"same-namespace traffic would be lost: {string.Join("; ", lost.Take(10))}");
    }

    private static PortSet Declared(PodInfo pod)
    {
        var set = PortSet.Empty;
        foreach (var (port, protocol) in PolicyTemplates.DeclaredPorts([pod]))
        {
            set = set.Union(PortSet.Range(protocol, port, port));
        }

        return set;
    }

    private static VerificationCheck OtherNamespacesCut(ReachabilityEngine planOnly, IReadOnlyList<PodClass> nsPods, PodInfo elsewhere, RemediationProfile profile)
    {
        var leaks = new List<string>();
        foreach (var pod in nsPods.Select(c => c.Representative))
        {
            foreach (var outsider in (ReadOnlySpan<Party>)[Party.Of(elsewhere), Party.Of(s_external)])
            {
                var inbound = planOnly.TrafficBetween(outsider, Party.Of(pod));
                if (!inbound.IsEmpty)
                {
                    leaks.Add($"{outsider} -> {Key(pod)} {inbound}");
                }

                if (profile != RemediationProfile.Ingress)
                {
                    var outbound = planOnly.TrafficBetween(Party.Of(pod), outsider);
                    if (!outbound.IsEmpty)
                    {
                        leaks.Add($"{Key(pod)} -> {outsider} {outbound}");
                    }
                }
            }
        }

        var promise = profile == RemediationProfile.Ingress
            ? "the plan admits no ingress from other namespaces or external addresses"
            : "the plan admits no traffic to or from other namespaces or external addresses, except DNS to the cluster DNS";
        return leaks.Count == 0
            ? new VerificationCheck("other-namespaces-cut", true, promise)
            : new VerificationCheck("other-namespaces-cut", false, $"the plan would still admit: {string.Join("; ", leaks.Take(10))}");
    }

    /// <summary>
    /// Every observed forwarded connection with an end in the namespace that is allowed today is still allowed with the
    /// plan, asked of the reachability engine as <c>stage</c> asks it. Connections whose ends are not in the snapshot
    /// are counted as not checkable (they get no allow; the coverage and notes say so).
    /// </summary>
    private static VerificationCheck ObservedEdges(ReachabilityEngine before, ReachabilityEngine after, string ns, ObservedTraffic traffic)
    {
        var resolver = new FlowPeerResolver(before.Index);
        var kept = 0;
        var unresolved = 0;
        var lost = new List<string>();
        foreach (var edge in traffic.Edges.Where(e => e.Forwarded > 0
            && (string.Equals(e.Key.Source.Namespace, ns, StringComparison.Ordinal) || string.Equals(e.Key.Destination.Namespace, ns, StringComparison.Ordinal))))
        {
            if (!resolver.TryResolve(edge.Key.Source, edge.SourceSample, out var from, out _) | !resolver.TryResolve(edge.Key.Destination, edge.DestinationSample, out var to, out _))
            {
                unresolved++;
                continue;
            }

            var query = new ReachabilityQuery(from, to, edge.Key.Protocol, edge.Key.Port);
            if (!before.Evaluate(query).Allowed)
            {
                continue; // Denied (or unknown) today: the plan must not open it, which never-widen checks.
            }

            if (after.Evaluate(query).Allowed)
            {
                kept++;
            }
            else
            {
                lost.Add(string.Create(CultureInfo.InvariantCulture, $"{edge.Key.Source} -> {edge.Key.Destination} {edge.Key.Port}/{edge.Key.Protocol.ToKubernetes()}"));
            }
        }

        var skipped = unresolved > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {unresolved} with an end not in the snapshot not checked") : string.Empty;
        return lost.Count == 0
            ? new VerificationCheck("observed-edges", true, string.Create(CultureInfo.InvariantCulture, $"every observed forwarded connection allowed today stays allowed ({kept} checked{skipped})"))
            : new VerificationCheck("observed-edges", false, $"observed connections would be cut: {string.Join("; ", lost.Take(10))}");
    }

    /// <summary>The never-widen check from the connections the plans would open between existing pods.</summary>
    public static VerificationCheck NeverWiden(IReadOnlyList<OpenedConnection> opened) =>
        opened.Count == 0
            ? new VerificationCheck("never-widen", true, "no connection between existing pods that is denied today would be allowed")
            : new VerificationCheck(
                "never-widen",
                false,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"the plan would allow {opened.Count} connection(s) denied today: {string.Join("; ", opened.Take(10).Select(c => $"{c.From} -> {c.To} {c.Traffic}"))}{(opened.Count > 10 ? "; ..." : string.Empty)}"));

    private static string Key(PodInfo pod) => SnapshotIndex.Key(pod.Namespace, pod.Name);
}
