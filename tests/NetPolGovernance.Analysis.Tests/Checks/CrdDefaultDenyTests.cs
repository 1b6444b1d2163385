using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Checks;

/// <summary>NPG-N02/N03 credit CRD policies that structurally put every pod of the namespace in deny-by-default mode.</summary>
public sealed class CrdDefaultDenyTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web")];

    private static CiliumPolicy Cnp(string? ns, LabelSelector selector, int ingress = 0, int egress = 0, bool? enableIngress = null) => new()
    {
        Kind = ns is null ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy",
        Namespace = ns,
        Name = "deny",
        Rules = [new CiliumRule { EndpointSelector = selector, IngressCount = ingress, EgressCount = egress, EnableDefaultDenyIngress = enableIngress }],
    };

    private static NamespaceAssessment Analyze(ClusterSnapshot snapshot, string ns = "app") =>
        AnalyzeNamespace(snapshot with { NetworkProfile = snapshot.NetworkProfile ?? Profile() }, ns);

    [Fact]
    public void CiliumSelectAllWithIngressSection_PassesN02AndTheRowShowsTheDefaultDeny()
    {
        var ns = Analyze(App(s_pods) with { CiliumPolicies = [Cnp("app", Sel(), ingress: 1)] });

        var n02 = FindingOf(ns, "NPG-N02");
        Assert.Equal(CheckResult.Pass, n02.Result);
        Assert.Equal(["CiliumNetworkPolicy/deny"], n02.Evidence["crdPolicies"]);
        Assert.True(ns.DefaultDenyIngress);
        Assert.False(ns.DefaultDenyEgress);
        Assert.False(ns.HasPolicy);
        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N03").Result);
    }

    [Fact]
    public void CiliumEnableDefaultDenyFalse_DoesNotCount()
    {
        var ns = Analyze(App(s_pods) with { CiliumPolicies = [Cnp("app", Sel(), ingress: 1, enableIngress: false)] });

        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N02").Result);
    }

    [Fact]
    public void CiliumSelectorOnPodLabels_IsNotNamespaceWide()
    {
        var ns = Analyze(App(s_pods) with { CiliumPolicies = [Cnp("app", Sel("k8s:app=web"), ingress: 1)] });

        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N02").Result);
    }

    [Fact]
    public void ClusterwideNotInNamespace_DeniesEgressEverywhereElse()
    {
        var ccnp = Cnp(null, Expr("k8s:io.kubernetes.pod.namespace", "NotIn", "legacy"), egress: 1);
        var snapshot = Snapshot([Ns("app"), Ns("legacy")], [.. s_pods, Pod("legacy", "old")]) with { CiliumPolicies = [ccnp] };

        Assert.Equal(CheckResult.Pass, FindingOf(Analyze(snapshot), "NPG-N03").Result);
        Assert.Equal(CheckResult.Fail, FindingOf(Analyze(snapshot, "legacy"), "NPG-N03").Result);
    }

    [Fact]
    public void CiliumPolicyOnAzureNpmCluster_NotCredited()
    {
        var snapshot = App(s_pods) with
        {
            NetworkProfile = Profile(policy: "azure", dataplane: "azure"),
            CiliumPolicies = [Cnp("app", Sel(), ingress: 1)],
        };

        Assert.Equal(CheckResult.Fail, FindingOf(Analyze(snapshot), "NPG-N02").Result);
    }

    [Theory]
    [InlineData("all()", 0, CheckResult.Pass)]
    [InlineData("", 0, CheckResult.Pass)]
    [InlineData("all()", 1, CheckResult.Fail)]
    [InlineData("app == 'web'", 0, CheckResult.Fail)]
    public void CalicoSelectAllWithoutRules_IsDefaultDeny(string selector, int ingressRules, CheckResult expected)
    {
        var calico = new CalicoPolicy
        {
            ApiGroup = "projectcalico.org",
            Kind = "NetworkPolicy",
            Namespace = "app",
            Name = "deny",
            Selector = selector,
            Types = ["Ingress", "Egress"],
            IngressRuleCount = ingressRules,
        };
        var snapshot = App(s_pods) with { NetworkProfile = Profile(policy: "calico", dataplane: "azure"), CalicoPolicies = [calico] };

        Assert.Equal(expected, FindingOf(Analyze(snapshot), "NPG-N02").Result);
    }

    [Fact]
    public void CalicoGlobalPolicy_NamespaceSelectorDecides()
    {
        var gnp = new CalicoPolicy
        {
            ApiGroup = "crd.projectcalico.org",
            Kind = "GlobalNetworkPolicy",
            Name = "default.deny-egress",
            Selector = "all()",
            NamespaceSelector = "projectcalico.org/name != 'kube-system'",
            Types = ["Egress"],
        };
        var snapshot = App(s_pods) with { NetworkProfile = Profile(policy: "calico", dataplane: "azure"), CalicoPolicies = [gnp] };

        var n03 = FindingOf(Analyze(snapshot), "NPG-N03");

        Assert.Equal(CheckResult.Pass, n03.Result);
        Assert.Equal(["CalicoGlobalNetworkPolicy/deny-egress"], n03.Evidence["crdPolicies"]);
    }
}
