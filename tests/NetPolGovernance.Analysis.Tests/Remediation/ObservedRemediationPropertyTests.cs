using CsCheck;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Analysis.Semantics;
using static NetPolGovernance.Analysis.Tests.Flows.FlowTestData;

namespace NetPolGovernance.Analysis.Tests.Remediation;

/// <summary>
/// Properties of the observed profile on generated snapshots and generated flows between their pods (and two external
/// addresses): every observed forwarded connection allowed today stays allowed; nothing denied today opens; and from a
/// pod the plan takes over (not egress-isolated today), what is allowed after is DNS or matches an observed connection.
/// </summary>
public sealed class ObservedRemediationPropertyTests
{
    private static readonly string[] s_addresses = ["20.60.1.5", "203.0.113.50"];

    private static readonly Gen<(ClusterSnapshot Snapshot, (int From, int To, int Port, bool Dropped)[] Flows, string[] Planned)> s_input =
        Gen.Select(
            RemediationPropertyTests.Snapshots,
            Gen.Select(Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 6], Gen.Int[0, 5].Select(d => d == 0)).Array[0, 10],
            Gen.OneOfConst<string[]>(["ns0"], ["ns0", "ns1"]));

    [Fact]
    public void PlanObserved_KeepsEveryObservedForwardedConnectionAllowedToday()
    {
        s_input.Sample(input =>
        {
            var (snapshot, traffic, observed) = Build(input.Snapshot, input.Flows);
            var plan = RemediationPlanner.PlanObserved(snapshot, input.Planned, traffic);
            var before = new ReachabilityEngine(snapshot);
            var after = new ReachabilityEngine(Applied(snapshot, plan));

            foreach (var (from, to, protocol, port) in observed)
            {
                var query = new ReachabilityQuery(from, to, protocol, port);
                Assert.False(before.Evaluate(query).Allowed && !after.Evaluate(query).Allowed, $"observed {from} -> {to} {port}/{protocol} was cut");
            }
        }, iter: 120);
    }

    [Fact]
    public void PlanObserved_NeverAllowsAConnectionDeniedToday()
    {
        s_input.Sample(input =>
        {
            var (snapshot, traffic, _) = Build(input.Snapshot, input.Flows);
            var plan = RemediationPlanner.PlanObserved(snapshot, input.Planned, traffic);
            var before = new ReachabilityEngine(snapshot);
            var after = new ReachabilityEngine(Applied(snapshot, plan));

            foreach (var from in snapshot.Pods)
            {
                foreach (var to in snapshot.Pods.Where(p => !ReferenceEquals(p, from)))
                {
                    foreach (var (protocol, port) in RemediationPropertyTests.ProbePorts)
                    {
                        Assert.False(
                            !RemediationPropertyTests.Ask(before, from, to, protocol, port) && RemediationPropertyTests.Ask(after, from, to, protocol, port),
                            $"denied today, allowed after: {from.Namespace}/{from.Name} -> {to.Namespace}/{to.Name} {port}/{protocol}");
                    }
                }
            }
        }, iter: 120);
    }

    [Fact]
    public void PlanObserved_FromATakenOverPod_AllowsOnlyDnsAndWhatWasObserved()
    {
        s_input.Sample(input =>
        {
            var (snapshot, traffic, observed) = Build(input.Snapshot, input.Flows);
            var plan = RemediationPlanner.PlanObserved(snapshot, input.Planned, traffic);
            var after = new ReachabilityEngine(Applied(snapshot, plan));
            var planned = plan.Namespaces.Where(n => n.Verified).Select(n => n.Namespace).ToHashSet(StringComparer.Ordinal);
            var pods = snapshot.Pods.ToDictionary(p => (p.Namespace, p.Name));

            foreach (var from in snapshot.Pods.Where(p => planned.Contains(p.Namespace) && !EgressIsolated(snapshot, p)))
            {
                foreach (var to in snapshot.Pods.Where(p => !ReferenceEquals(p, from)))
                {
                    foreach (var (protocol, port) in RemediationPropertyTests.ProbePorts)
                    {
                        if (!RemediationPropertyTests.Ask(after, from, to, protocol, port) || IsDns(to, protocol, port))
                        {
                            continue;
                        }

                        var matched = observed.Any(o => o.Protocol == protocol && o.Port == port && o.From.IsPod && o.To.IsPod
                            && Covers(pods[(o.From.Namespace, o.From.Pod)], from)
                            && o.To.Namespace == to.Namespace && Covers(pods[(o.To.Namespace, o.To.Pod)], to));
                        Assert.True(matched, $"unobserved egress allowed: {from.Namespace}/{from.Name} -> {to.Namespace}/{to.Name} {port}/{protocol}");
                    }
                }
            }
        }, iter: 120);
    }

    [Fact]
    public void PlanObserved_WithoutFlows_ProposesOnlyDenyAndDnsAndScoresEveryWorkloadZero()
    {
        RemediationPropertyTests.Snapshots.Sample(snapshot =>
        {
            var plan = RemediationPlanner.PlanObserved(Distinct(snapshot), ["ns0"], Traffic());
            var ns = Assert.Single(plan.Namespaces);

            Assert.DoesNotContain(ns.Policies, p => p.Name.StartsWith(ObservedPolicies.NamePrefix, StringComparison.Ordinal));
            Assert.All(ns.Coverage, c => Assert.Equal(0, c.Confidence));
        }, iter: 60);
    }

    private static (ClusterSnapshot Snapshot, ObservedTraffic Traffic, List<(ReachabilityEndpoint From, ReachabilityEndpoint To, TransportProtocol Protocol, int Port)> Observed) Build(
        ClusterSnapshot generated, (int From, int To, int Port, bool Dropped)[] picks)
    {
        var snapshot = Distinct(generated);
        var pods = snapshot.Pods;
        var flows = new List<ObservedFlow>();
        var observed = new List<(ReachabilityEndpoint, ReachabilityEndpoint, TransportProtocol, int)>();
        var minute = 0;
        foreach (var (fromPick, toPick, portPick, dropped) in picks)
        {
            var from = pods[fromPick % pods.Count];
            var toAddress = toPick % 7 == 0;
            var to = pods[toPick % pods.Count];
            var (protocol, port) = RemediationPropertyTests.ProbePorts[portPick];
            var source = PodEnd(from.Namespace, from.Name, null, [.. from.Labels.Select(l => $"{l.Key}={l.Value}")]);
            var destination = toAddress ? AddressEnd(s_addresses[toPick % 2]) : PodEnd(to.Namespace, to.Name, null, [.. to.Labels.Select(l => $"{l.Key}={l.Value}")]);
            flows.Add(Flow(source, destination, port, minute++, dropped ? FlowVerdict.Dropped : FlowVerdict.Forwarded, protocol: protocol));
            if (!dropped)
            {
                observed.Add((
                    ReachabilityEndpoint.ForPod(from.Namespace, from.Name),
                    toAddress ? ReachabilityEndpoint.ForAddress(destination.Address!) : ReachabilityEndpoint.ForPod(to.Namespace, to.Name),
                    protocol,
                    port));
            }
        }

        return (snapshot, Traffic([.. flows]), observed);
    }

    private static ClusterSnapshot Applied(ClusterSnapshot snapshot, RemediationPlan plan) =>
        plan.Namespaces.Where(n => n.Verified).Aggregate(snapshot, (s, n) => RemediationPlanner.WithPlan(s, n.Namespace, n.Policies));

    // The plan's observed rule selects pods carrying every label of the observed pod (it has no per-pod labels here).
    private static bool Covers(PodInfo observed, PodInfo pod) => observed.Labels.All(l => pod.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    private static bool IsDns(PodInfo to, TransportProtocol protocol, int port) =>
        port == 53 && protocol is TransportProtocol.Udp or TransportProtocol.Tcp
        && to.Namespace == PolicyTemplates.DnsNamespace && to.Labels.TryGetValue(PolicyTemplates.DnsPodLabelKey, out var v) && v == PolicyTemplates.DnsPodLabelValue;

    private static bool EgressIsolated(ClusterSnapshot snapshot, PodInfo pod) =>
        snapshot.NetworkPolicies.Any(p => p.Namespace == pod.Namespace
            && (PolicyDirections.EffectiveTypes(p) & PolicyDirection.Egress) == PolicyDirection.Egress
            && LabelSelectors.Matches(p.PodSelector ?? LabelSelector.Everything, pod.Labels));

    private static ClusterSnapshot Distinct(ClusterSnapshot snapshot) => snapshot with
    {
        Pods = [.. snapshot.Pods.DistinctBy(p => (p.Namespace, p.Name))],
        NetworkPolicies = [.. snapshot.NetworkPolicies.DistinctBy(p => (p.Namespace, p.Name))],
    };
}
