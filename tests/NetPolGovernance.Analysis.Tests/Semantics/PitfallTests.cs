using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Semantics;

/// <summary>One test per common misreading of NetworkPolicy semantics (docs/semantics.md §2–§10).</summary>
public sealed class PitfallTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web"), Pod("app", "db-1", "app=db")];

    [Fact]
    public void PolicyTypes_MissingOrEmpty_IngressAlwaysEgressOnlyWithRules()
    {
        var missing = Policy("app", "missing", Sel(), types: null, egress: []);
        var empty = Policy("app", "empty", Sel("app=db"), types: [], egress: [Rule(ports: [Port(5432)])]);

        var ns = AnalyzeNamespace(App(s_pods, missing, empty));

        Assert.Equal(["db-1", "web-1"], ns.IngressIsolatedPods);
        Assert.Equal(["db-1"], ns.EgressIsolatedPods);
    }

    [Fact]
    public void EgressAllowAllWithoutPolicyTypes_AlsoCreatesIngressDeny()
    {
        var ns = AnalyzeNamespace(App(s_pods, Policy("app", "allow-egress", Sel(), egress: [AllowAll()])));

        Assert.True(ns.DefaultDenyIngress);
        Assert.True(ns.AllowAllEgress);
        Assert.Equal(["db-1", "web-1"], ns.IngressIsolatedPods);
    }

    [Fact]
    public void IngressEmptyListAndMissingAreDeny_SingleEmptyRuleIsAllowAll()
    {
        var emptyList = AnalyzeNamespace(App(s_pods, Policy("app", "p", Sel(), ["Ingress"], ingress: [])));
        var missing = AnalyzeNamespace(App(s_pods, Policy("app", "p", Sel(), ["Ingress"], ingress: null)));
        var oneEmptyRule = AnalyzeNamespace(App(s_pods, Policy("app", "p", Sel(), ["Ingress"], ingress: [AllowAll()])));

        Assert.True(emptyList.DefaultDenyIngress);
        Assert.True(missing.DefaultDenyIngress);
        Assert.False(oneEmptyRule.DefaultDenyIngress);
        Assert.True(oneEmptyRule.AllowAllIngress);
    }

    [Fact]
    public void FromEmptyWithPorts_IsAnyPeerOnThosePorts_NotAllowAll()
    {
        var policy = Policy("app", "p", Sel(), ["Ingress"], ingress: [Rule(peers: [], ports: [Port(8080)])]);

        Assert.False(AnalyzeNamespace(App(s_pods, policy)).AllowAllIngress);
    }

    [Fact]
    public void BarePodSelectorPeer_IsSameNamespaceOnly_NotAllowAll()
    {
        var policy = Policy("app", "p", Sel(), ["Ingress"], ingress: [Rule([PodPeer(Sel())])]);

        Assert.False(AnalyzeNamespace(App(s_pods, policy)).AllowAllIngress);
    }

    [Fact]
    public void EmptyNamespaceSelector_IsAllPodsButNotExternal_CountsAsUniversalPeer()
    {
        var withNs = Policy("app", "p", Sel(), ["Egress"], egress: [Rule([NsPeer(Sel())])]);

        Assert.True(AnalyzeNamespace(App(s_pods, withNs)).AllowAllEgress);
    }

    [Fact]
    public void AndInOneElementVersusOrInTwo_OnlyOrWithEmptyNamespaceSelectorIsUniversal()
    {
        var and = Policy("app", "and", Sel(), ["Ingress"], ingress: [Rule([NsPeer(Sel(), Sel("role=client"))])]);
        var or = Policy("app", "or", Sel(), ["Ingress"], ingress: [Rule([NsPeer(Sel()), PodPeer(Sel("role=client"))])]);

        Assert.False(AnalyzeNamespace(App(s_pods, and)).AllowAllIngress);
        Assert.True(AnalyzeNamespace(App(s_pods, or)).AllowAllIngress);
    }

    [Fact]
    public void NotInMatchesPodsWithoutKey_ExistsMatchesEmptyValue()
    {
        var pods = new[] { Pod("app", "no-env"), Pod("app", "prod", "env=prod"), Pod("app", "empty-tier", "tier=") };
        var notIn = Policy("app", "not-prod", Expr("env", "NotIn", "prod"), ["Ingress"]);
        var exists = Policy("app", "has-tier", Expr("tier", "Exists"), ["Egress"]);

        var ns = AnalyzeNamespace(App(pods, notIn, exists));

        Assert.Equal(["empty-tier", "no-env"], ns.IngressIsolatedPods);
        Assert.Equal(["empty-tier"], ns.EgressIsolatedPods);
    }

    [Fact]
    public void PrefixedKeysAndCase_MatchExactly()
    {
        var pods = new[] { Pod("app", "a", "app.kubernetes.io/name=web"), Pod("app", "b", "App=web") };
        var policy = Policy("app", "p", Sel("app=web"), ["Ingress"]);

        var ns = AnalyzeNamespace(App(pods, policy));

        Assert.Empty(ns.IngressIsolatedPods);
        Assert.Equal(["p"], ns.DeadPolicies);
    }

    [Fact]
    public void PolicyInNamespaceA_NeverSelectsPodsInB()
    {
        var snapshot = Snapshot([Ns("a"), Ns("b")], [Pod("b", "victim", "app=web")], [Policy("a", "deny", Sel(), ["Ingress"])]);

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Empty(result.Namespaces.Single(n => n.Name == "b").IngressIsolatedPods);
        Assert.Equal(["deny"], result.Namespaces.Single(n => n.Name == "a").DeadPolicies);
    }

    [Fact]
    public void ExceptHolesRefilledByAnotherPeer_AreAllowAll_ButExceptAloneIsNot()
    {
        var holed = Policy("app", "holed", Sel(), ["Egress"], egress: [Rule([IpPeer("0.0.0.0/0", "10.0.0.0/8")])]);
        var refilled = Policy("app", "refilled", Sel(), ["Egress"], egress: [Rule([IpPeer("0.0.0.0/0", "10.0.0.0/8"), IpPeer("10.0.0.0/8")])]);

        Assert.False(AnalyzeNamespace(App(s_pods, holed)).AllowAllEgress);
        Assert.True(AnalyzeNamespace(App(s_pods, refilled)).AllowAllEgress);
    }

    [Fact]
    public void FullTcpPortRange_IsNotAllowAll()
    {
        var range = new NetworkPolicyPort { Port = PortValue.FromNumber(1), EndPort = 65535 };
        var policy = Policy("app", "tcp-all", Sel(), ["Ingress"], ingress: [Rule(ports: [range])]);

        Assert.False(AnalyzeNamespace(App(s_pods, policy)).AllowAllIngress);
    }

    [Fact]
    public void CiliumEmptyIngressRule_IsCoverageNotAllowAll()
    {
        var cnp = new CiliumPolicy
        {
            Kind = "CiliumNetworkPolicy",
            Namespace = "app",
            Name = "deny-all",
            Rules = [new CiliumRule { EndpointSelector = Sel(), IngressCount = 1 }],
        };
        var snapshot = App(s_pods) with { CiliumPolicies = [cnp] };

        var ns = AnalyzeNamespace(snapshot);

        Assert.False(ns.AllowAllIngress);
        Assert.Equal(["db-1", "web-1"], ns.IngressCoveredPods);
        Assert.Empty(ns.EgressCoveredPods);
    }

    [Fact]
    public void CalicoEgressOnlyPolicyWithoutTypes_DefaultsToEgressOnly()
    {
        var calico = new CalicoPolicy
        {
            ApiGroup = "projectcalico.org",
            Kind = "NetworkPolicy",
            Namespace = "app",
            Name = "egress",
            Selector = "all()",
            EgressRuleCount = 1,
        };

        var ns = AnalyzeNamespace(App(s_pods) with { CalicoPolicies = [calico] });

        Assert.Empty(ns.IngressCoveredPods);
        Assert.Equal(["db-1", "web-1"], ns.EgressCoveredPods);
    }

    [Fact]
    public void AdminPolicySelectionWithoutRules_DoesNotCover()
    {
        var anp = new AdminPolicy
        {
            Kind = "AdminNetworkPolicy",
            ApiVersion = "policy.networking.k8s.io/v1alpha1",
            Name = "select-only",
            Priority = 10,
            SubjectNamespaces = Sel(),
        };

        var ns = AnalyzeNamespace(App(s_pods) with { AdminPolicies = [anp] });

        Assert.Empty(ns.IngressCoveredPods);
        Assert.Empty(ns.EgressCoveredPods);
    }

    [Fact]
    public void AksNetworkPolicyNone_PoliciesPresentButUnenforced()
    {
        var snapshot = App(s_pods, Policy("app", "deny", Sel(), ["Ingress"])) with
        {
            NetworkProfile = Profile(plugin: "azure", policy: "none", dataplane: "azure"),
        };

        var ns = AnalyzeNamespace(snapshot);

        Assert.True(ns.DefaultDenyIngress);
        Assert.Equal(Assessment.NamespaceStatus.Unenforced, ns.Status);
    }
}
