using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Reachability;

/// <summary>
/// Scan and reach read one index of the snapshot, so a duplicate object resolves to the same copy in both: the later
/// definition, as the snapshot builder resolves a manifest set.
/// </summary>
public sealed class ScanReachAgreementTests
{
    private static ReachabilityResult Ask(ClusterSnapshot snapshot, string from, string to, int port)
    {
        Assert.True(ReachabilityEndpoint.TryParse(from, out var source, out _));
        Assert.True(ReachabilityEndpoint.TryParse(to, out var destination, out _));
        return new ReachabilityEngine(snapshot).Evaluate(new ReachabilityQuery(source, destination, TransportProtocol.Tcp, port));
    }

    [Fact]
    public void DuplicatePod_LaterCopySelected_ScanAndReachBothIsolateIt()
    {
        // Two objects app/web: only the later one carries the label the deny-all-ingress policy selects.
        var snapshot = App(
            [Pod("app", "client", "app=client"), Pod("app", "web", "app=other"), Pod("app", "web", "app=web")],
            Policy("app", "deny-web", Sel("app=web"), types: ["Ingress"]));

        var scan = AnalyzeNamespace(snapshot);
        var reach = Ask(snapshot, "app/client", "app/web", 80);

        Assert.Equal(2, scan.PodCount);
        Assert.Equal(["web"], scan.IngressIsolatedPods);
        Assert.False(reach.Allowed);
        Assert.Contains("ingress: app/web isolated by app/deny-web", reach.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicatePod_EarlierCopySelected_NeitherScanNorReachIsolatesIt()
    {
        var snapshot = App(
            [Pod("app", "client", "app=client"), Pod("app", "web", "app=web"), Pod("app", "web", "app=other")],
            Policy("app", "deny-web", Sel("app=web"), types: ["Ingress"]));

        var scan = AnalyzeNamespace(snapshot);
        var reach = Ask(snapshot, "app/client", "app/web", 80);

        Assert.Empty(scan.IngressIsolatedPods);
        Assert.True(reach.Allowed);
        Assert.Contains("ingress: app/web not isolated", reach.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNamespace_ScanAndReachKeepTheLaterLabels()
    {
        // Two Namespace objects "app": scan takes the owner from the later one's team label, and reach must match
        // the db policy's namespaceSelector against the same labels.
        var snapshot = Snapshot(
            [Ns("app", "team=b"), Ns("app", "team=a"), Ns("db")],
            [Pod("app", "client"), Pod("db", "postgres")],
            [Policy("db", "from-team-a", types: ["Ingress"], ingress: [Rule([NsPeer(Sel("team=a"))])])]);

        var scan = AnalyzeNamespace(snapshot);
        var reach = Ask(snapshot, "app/client", "db/postgres", 5432);

        Assert.Equal("a", scan.Owner);
        Assert.True(reach.Allowed);
        Assert.Contains("admitted by db/from-team-a rule 1", reach.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectedCalicoView_LeftOutByReachAsByScan_TheCrdCopyIsolates()
    {
        // Found by ReachScanAgreementPropertyTests (seed c3Vg3uknqrG3): the projectcalico.org view of a policy has a
        // namespaceSelector the API server refuses; the crd.projectcalico.org copy of the same name selects every pod
        // and admits nothing (a Log rule only). Scan left the refused view out and counted the copy (isolated); reach
        // kept the refused view, which hid the copy, and answered Allowed. Both must judge the same policies.
        var refused = new CalicoPolicy
        {
            ApiGroup = "projectcalico.org",
            Kind = "GlobalNetworkPolicy",
            Name = "cal-3",
            Selector = "all()",
            NamespaceSelector = "((",
            Ingress = [new CalicoRule { Action = "Allow" }],
            IngressRuleCount = 1,
        };
        var copy = refused with
        {
            ApiGroup = "crd.projectcalico.org",
            NamespaceSelector = string.Empty,
            Ingress = [new CalicoRule { Action = "Log" }],
        };
        var snapshot = Snapshot([Ns("ns-c")], [Pod("ns-c", "pod-5", "app=")], []) with { CalicoPolicies = [refused, copy] };

        var scan = AnalyzeNamespace(snapshot, "ns-c");
        var reach = new ReachabilityEngine(snapshot).Evaluate(new ReachabilityQuery(
            ReachabilityEndpoint.ForAddress(System.Net.IPAddress.Parse("2001:db8::1")), ReachabilityEndpoint.ForPod("ns-c", "pod-5"), TransportProtocol.Tcp, 8080));

        Assert.Equal(["pod-5"], scan.IngressIsolatedPods);
        Assert.NotEqual(ReachabilityVerdict.Allowed, reach.Verdict);
        Assert.Contains("CalicoGlobalNetworkPolicy cal-3 would be rejected by the API server", reach.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicatePod_CountedOnceInItsFirstPlace()
    {
        var later = Pod("app", "web", "app=web", "v=2");
        var snapshot = App([Pod("app", "web", "app=web", "v=1"), Pod("app", "api"), later]);

        var index = new SnapshotIndex(snapshot);

        Assert.Equal(["web", "api"], index.PodsIn("app").Select(p => p.Name));
        Assert.Same(later, index.Pods[0]);
        Assert.Same(later, index.FindPod("app", "web"));
        Assert.Equal(2, AnalyzeNamespace(snapshot).PodCount);
    }
}
