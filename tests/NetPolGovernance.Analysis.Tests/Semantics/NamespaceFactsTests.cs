using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Semantics;

/// <summary>One test per per-namespace fact of docs/semantics.md §8, written from the text.</summary>
public sealed class NamespaceFactsTests
{
    private static readonly PodInfo[] s_webAndDb = [Pod("app", "web-1", "app=web"), Pod("app", "db-1", "app=db")];

    [Fact]
    public void SelectAll_MissingNullEmptyAndEmptyExpressionsSelectors_SelectEveryPod()
    {
        var snapshot = App(
            s_webAndDb,
            Policy("app", "missing", podSelector: null, types: ["Ingress"]),
            Policy("app", "empty-labels", podSelector: new LabelSelector { MatchLabels = new Dictionary<string, string>() }, types: ["Ingress"]),
            Policy("app", "empty-expressions", podSelector: new LabelSelector { MatchExpressions = [] }, types: ["Ingress"]));

        var ns = AnalyzeNamespace(snapshot);

        Assert.Equal(["db-1", "web-1"], ns.IngressIsolatedPods);
        Assert.Empty(ns.DeadPolicies);
        Assert.True(ns.DefaultDenyIngress);
    }

    [Fact]
    public void SelectAll_SelectorThatHappensToMatchEveryPod_IsNotADefaultDeny()
    {
        var snapshot = App([Pod("app", "web-1", "app=web")], Policy("app", "web-only", Sel("app=web"), ["Ingress"]));

        var ns = AnalyzeNamespace(snapshot);

        Assert.Equal(["web-1"], ns.IngressIsolatedPods);
        Assert.False(ns.DefaultDenyIngress);
    }

    [Fact]
    public void EffectiveTypes_ExplicitEgressOnly_IgnoresIngressSection()
    {
        var snapshot = App(s_webAndDb, Policy("app", "egress-only", Sel(), ["Egress"], ingress: [AllowAll()]));

        var ns = AnalyzeNamespace(snapshot);

        Assert.Empty(ns.IngressIsolatedPods);
        Assert.Equal(["db-1", "web-1"], ns.EgressIsolatedPods);
        Assert.False(ns.AllowAllIngress);
        Assert.True(ns.DefaultDenyEgress);
    }

    [Fact]
    public void HasPolicy_NamespaceWithOnePolicy_IsTrue_OtherNamespaceFalse()
    {
        var snapshot = Snapshot(
            [Ns("app"), Ns("other")],
            [.. s_webAndDb, Pod("other", "x")],
            [Policy("app", "p", Sel("app=nothing"), ["Ingress"])]);

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.True(result.Namespaces.Single(n => n.Name == "app").HasPolicy);
        Assert.False(result.Namespaces.Single(n => n.Name == "other").HasPolicy);
    }

    [Fact]
    public void IsolatedPods_PolicyWithBothTypes_ListsSelectedPodsPerDirection()
    {
        var snapshot = App(
            s_webAndDb,
            Policy("app", "web-in", Sel("app=web"), ["Ingress"]),
            Policy("app", "db-out", Sel("app=db"), ["Egress"]));

        var ns = AnalyzeNamespace(snapshot);

        Assert.Equal(["web-1"], ns.IngressIsolatedPods);
        Assert.Equal(["db-1"], ns.EgressIsolatedPods);
    }

    [Fact]
    public void DefaultDenyIngress_NamespaceWithoutPods_StaysTrue()
    {
        var ns = AnalyzeNamespace(App([], Policy("app", "deny", Sel(), ["Ingress"])));

        Assert.True(ns.DefaultDenyIngress);
        Assert.Equal(["deny"], ns.DeadPolicies);
    }

    [Fact]
    public void DefaultDeny_AllowAllCoexists_BothTrue()
    {
        var snapshot = App(
            s_webAndDb,
            Policy("app", "deny", Sel(), ["Ingress"]),
            Policy("app", "allow", Sel(), ["Ingress"], ingress: [AllowAll()]));

        var ns = AnalyzeNamespace(snapshot);

        Assert.True(ns.DefaultDenyIngress);
        Assert.True(ns.AllowAllIngress);
    }

    [Fact]
    public void DefaultDeny_SelectAllWithOnlyDnsRule_IsNotDefaultDenyButIsolatesEveryPod()
    {
        var dns = Policy("app", "dns", Sel(), ["Egress"], egress: [Rule(ports: [Port(53, "UDP"), Port(53, "TCP")])]);

        var ns = AnalyzeNamespace(App(s_webAndDb, dns));

        Assert.False(ns.DefaultDenyEgress);
        Assert.False(ns.AllowAllEgress);
        Assert.Equal(["db-1", "web-1"], ns.EgressIsolatedPods);
    }

    [Fact]
    public void DefaultDenyEgress_SelectAllEgressWithNoRules_IsTrue()
    {
        var ns = AnalyzeNamespace(App(s_webAndDb, Policy("app", "deny-out", Sel(), ["Egress"], egress: [])));

        Assert.True(ns.DefaultDenyEgress);
        Assert.False(ns.DefaultDenyIngress);
    }

    [Fact]
    public void AllowAll_RuleWithNamespaceSelectorEmptyAndNoPodSelector_IsAllowAll()
    {
        var policy = Policy("app", "all-pods", Sel("app=web"), ["Ingress"], ingress: [Rule([NsPeer(Sel())])]);

        Assert.True(AnalyzeNamespace(App(s_webAndDb, policy)).AllowAllIngress);
    }

    [Fact]
    public void AllowAll_NamespaceSelectorEmptyWithRestrictivePodSelector_IsNotAllowAll()
    {
        var policy = Policy("app", "clients", Sel(), ["Ingress"], ingress: [Rule([NsPeer(Sel(), Sel("role=client"))])]);

        Assert.False(AnalyzeNamespace(App(s_webAndDb, policy)).AllowAllIngress);
    }

    [Fact]
    public void AllowAll_IpBlocksWhoseUnionCoversEverything_IsAllowAll()
    {
        var policy = Policy("app", "halves", Sel(), ["Egress"], egress: [Rule([IpPeer("0.0.0.0/1"), IpPeer("128.0.0.0/1")])]);

        Assert.True(AnalyzeNamespace(App(s_webAndDb, policy)).AllowAllEgress);
    }

    [Fact]
    public void AllowAll_IpBlocksSplitAcrossTwoRules_IsNotAllowAll()
    {
        var policy = Policy("app", "split", Sel(), ["Egress"], egress: [Rule([IpPeer("0.0.0.0/1")]), Rule([IpPeer("128.0.0.0/1")])]);

        Assert.False(AnalyzeNamespace(App(s_webAndDb, policy)).AllowAllEgress);
    }

    [Fact]
    public void AllowAll_Ipv6BlockOnly_IsIgnored()
    {
        var policy = Policy("app", "v6", Sel(), ["Egress"], egress: [Rule([IpPeer("::/0")])]);

        Assert.False(AnalyzeNamespace(App(s_webAndDb, policy)).AllowAllEgress);
    }

    [Fact]
    public void AllowAll_RuleWithPorts_IsNotAllowAll()
    {
        var policy = Policy("app", "https", Sel(), ["Ingress"], ingress: [Rule(ports: [Port(443)])]);

        Assert.False(AnalyzeNamespace(App(s_webAndDb, policy)).AllowAllIngress);
    }

    [Fact]
    public void AllowAll_PolicySelectingNoPods_IsStillAllowAll()
    {
        var policy = Policy("app", "ghost", Sel("app=ghost"), ["Ingress"], ingress: [AllowAll()]);

        var ns = AnalyzeNamespace(App(s_webAndDb, policy));

        Assert.True(ns.AllowAllIngress);
        Assert.Equal(["ghost"], ns.DeadPolicies);
    }

    [Fact]
    public void DeadPolicies_PolicySelectingNoCurrentPod_IsListedByName()
    {
        var snapshot = App(s_webAndDb, Policy("app", "typo", Sel("ap=web"), ["Ingress"]), Policy("app", "ok", Sel("app=web"), ["Ingress"]));

        Assert.Equal(["typo"], AnalyzeNamespace(snapshot).DeadPolicies);
    }

    [Fact]
    public void Reporting_SystemNamespaces_AreReportedAndTagged()
    {
        var snapshot = Snapshot([Ns("kube-system"), Ns("app"), Ns("calico-system")], [Pod("kube-system", "coredns-1")]);

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal(["app", "calico-system", "kube-system"], result.Namespaces.Select(n => n.Name));
        Assert.True(result.Namespaces.Single(n => n.Name == "kube-system").System);
        Assert.False(result.Namespaces.Single(n => n.Name == "app").System);
    }

    [Fact]
    public void Reporting_NamespaceImpliedOnlyByAPod_IsReported()
    {
        var result = SnapshotAnalyzer.Analyze(Snapshot([], [Pod("implied", "p")]), Options());

        Assert.Equal("implied", Assert.Single(result.Namespaces).Name);
    }

    [Fact]
    public void PodLists_AreSortedOrdinally()
    {
        var pods = new[] { Pod("app", "b"), Pod("app", "B"), Pod("app", "a"), Pod("app", "a-1") };

        var ns = AnalyzeNamespace(App(pods, Policy("app", "deny", Sel(), ["Ingress"])));

        Assert.Equal(["B", "a", "a-1", "b"], ns.IngressIsolatedPods);
    }

    [Fact]
    public void HostNetworkPods_AreListedSeparatelyAndNotIsolated()
    {
        var pods = new[] { Pod("app", "web-1"), Pod("app", "node-agent") with { HostNetwork = true } };

        var ns = AnalyzeNamespace(App(pods, Policy("app", "deny", Sel(), ["Ingress", "Egress"])));

        Assert.Equal(["node-agent"], ns.HostNetworkPods);
        Assert.Equal(["web-1"], ns.IngressIsolatedPods);
        Assert.Equal(["web-1"], ns.IngressCoveredPods);
        Assert.Equal(2, ns.PodCount);
    }

    [Fact]
    public void DuplicatePodName_LaterDefinitionWinsAndIsCountedOnce()
    {
        // As the snapshot builder resolves a manifest set that defines a pod twice.
        var pods = new[] { Pod("app", "web", "app=db"), Pod("app", "web", "app=web") };

        var result = SnapshotAnalyzer.Analyze(App(pods, Policy("app", "db-only", Sel("app=db"), ["Ingress"])), Options());

        Assert.Equal(1, result.PodCount);
        Assert.Equal(["db-only"], result.Namespaces.Single().DeadPolicies);
    }

    [Fact]
    public void DerivedPods_AreListed()
    {
        var pods = new[] { Pod("app", "web-abc") with { DerivedFrom = "Deployment/web" }, Pod("app", "real") };

        Assert.Equal(["web-abc"], AnalyzeNamespace(App(pods)).DerivedPods);
    }
}
