using CsCheck;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Tests.Builders;
using NetPolGovernance.Analysis.Tests.Properties;
using static NetPolGovernance.Analysis.Tests.Flows.FlowTestData;

namespace NetPolGovernance.Analysis.Tests.Flows;

/// <summary>
/// Metamorphic properties of staging on random snapshots (every policy kind) and random flows between their pods:
/// the current set staged against itself reports nothing; removing every namespaced and CRD policy (NetworkPolicy,
/// Cilium, Calico) never makes anything drop, only admin policies can still deny. Removing NetworkPolicies alone can
/// drop: a Cilium or Calico policy that also isolates the pod then has no allow left (policies of one engine add up),
/// pinned by the example below, which a random snapshot found.
/// </summary>
public sealed class FlowReplayPropertyTests
{
    private static readonly Gen<(ClusterSnapshot Snapshot, int[] Picks)> s_input =
        Gen.Select(SnapshotGen.Snapshot, Gen.Int[0, 1000].Array[1, 12]);

    [Fact]
    public void StagingTheCurrentSet_NeverReportsADropOrAnOpening()
    {
        s_input.Sample(input =>
        {
            var snapshot = Distinct(input.Snapshot);
            var report = FlowReplay.Stage(snapshot, ProposedPolicySet.Apply(snapshot, snapshot), RandomTraffic(snapshot, input.Picks));

            Assert.Empty(report.WouldDrop);
            Assert.Empty(report.WouldOpen);
        }, iter: 200);
    }

    [Fact]
    public void RemovingEveryNamespacedAndCrdPolicy_NeverDropsObservedTraffic()
    {
        s_input.Sample(input =>
        {
            // Cilium's policy-enforcement-mode=always isolates every pod with no policy at all: it is engine
            // configuration, not a policy, so the property holds with the default mode.
            var distinct = Distinct(input.Snapshot);
            var snapshot = distinct with { EngineEvidence = distinct.EngineEvidence is { } evidence ? evidence with { CiliumPolicyEnforcementMode = null } : null };
            var withoutPolicies = snapshot with { NetworkPolicies = [], CiliumPolicies = [], CalicoPolicies = [] };
            var report = FlowReplay.Stage(snapshot, withoutPolicies, RandomTraffic(snapshot, input.Picks));

            Assert.DoesNotContain(report.WouldDrop, e => e.Policy is not null && !e.Policy.Contains("Admin", StringComparison.Ordinal)
                && !e.Policy.Contains("Baseline", StringComparison.Ordinal));
        }, iter: 200);
    }

    [Fact]
    public void RemovingANetworkPolicy_UnderACiliumPolicyThatAlsoIsolates_DropsWhatOnlyTheNetworkPolicyAllowed()
    {
        // Arrange: np-1 isolates pod-6's egress and allows everything; the clusterwide cnp-3 isolates it too, allowing nothing.
        var snapshot = Snap.Snapshot(
            [Snap.Ns("ns-b")],
            [Snap.Pod("ns-b", "pod-6", "app=web")],
            [Snap.Policy("ns-b", "np-1", types: ["Egress"], egress: [Snap.AllowAll()])]) with
        {
            CiliumPolicies = [new CiliumPolicy
            {
                Kind = "CiliumClusterwideNetworkPolicy",
                Name = "cnp-3",
                // `egress: [{}]`: puts the selected pods under egress enforcement and allows nothing.
                Rules = [new CiliumRule { EndpointSelector = Snap.Sel("app=web"), EgressCount = 1, Egress = [new CiliumPeerRule()] }],
            }],
        };
        var traffic = Traffic(Flow(PodEnd("ns-b", "pod-6", labels: ["app=web"]), AddressEnd("8.8.8.8"), 53));

        // Act
        var report = FlowReplay.Stage(snapshot, snapshot with { NetworkPolicies = [] }, traffic);

        // Assert: the drop is reported and decided by the Cilium policy, not hidden.
        var drop = Assert.Single(report.WouldDrop);
        Assert.Contains("cnp-3", drop.Policy, StringComparison.Ordinal);
        Assert.Contains("np-1", drop.Before, StringComparison.Ordinal);
    }

    // The API server keeps one object per kind, namespace and name, and one pod per name.
    private static ClusterSnapshot Distinct(ClusterSnapshot snapshot) => snapshot with
    {
        Pods = [.. snapshot.Pods.DistinctBy(p => (p.Namespace, p.Name))],
        NetworkPolicies = [.. snapshot.NetworkPolicies.DistinctBy(p => (p.Namespace, p.Name))],
        CiliumPolicies = [.. snapshot.CiliumPolicies.DistinctBy(p => (p.Kind, p.Namespace, p.Name))],
        CalicoPolicies = [.. snapshot.CalicoPolicies.DistinctBy(p => (p.Kind, p.Namespace, p.Name))],
        AdminPolicies = [.. snapshot.AdminPolicies.DistinctBy(p => (p.Kind, p.Name))],
    };

    private static ObservedTraffic RandomTraffic(ClusterSnapshot snapshot, int[] picks)
    {
        var pods = snapshot.Pods;
        var flows = new List<ObservedFlow>();
        for (var i = 0; i + 1 < picks.Length && pods.Count > 0; i += 2)
        {
            var from = pods[picks[i] % pods.Count];
            var to = pods[picks[i + 1] % pods.Count];
            flows.Add(Flow(
                PodEnd(from.Namespace, from.Name, labels: [.. from.Labels.Select(l => $"{l.Key}={l.Value}")]),
                PodEnd(to.Namespace, to.Name, labels: [.. to.Labels.Select(l => $"{l.Key}={l.Value}")]),
                port: 1 + (picks[i] % 65535),
                minute: i));
        }

        flows.Add(Flow(PodEnd(pods.Count > 0 ? pods[0].Namespace : "ns-a", pods.Count > 0 ? pods[0].Name : "x"), AddressEnd("8.8.8.8"), 53));
        return Traffic([.. flows]);
    }
}
