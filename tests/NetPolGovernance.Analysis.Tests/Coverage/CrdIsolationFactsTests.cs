using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Coverage;

/// <summary>
/// The facts of a namespace row agree with its status: a namespace that only a counted CRD policy protects shows that
/// isolation and default deny (docs/semantics.md §9), not "deny none, 0/0 isolated" next to "Compliant".
/// </summary>
public sealed class CrdIsolationFactsTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web"), Pod("app", "db-1", "app=db")];

    private static CiliumPolicy Cnp(LabelSelector selector, bool? defaultDenyIngress = null) => new()
    {
        Kind = "CiliumNetworkPolicy",
        Namespace = "app",
        Name = "lockdown",
        Rules = [new CiliumRule { EndpointSelector = selector, IngressCount = 1, EgressCount = 1, EnableDefaultDenyIngress = defaultDenyIngress }],
    };

    private static ClusterSnapshot OnCilium(params CiliumPolicy[] policies) =>
        App(s_pods) with { CiliumPolicies = policies, NetworkProfile = Profile(), EngineEvidence = Evidence(Ready("cilium")) };

    [Fact]
    public void OnlyACiliumPolicySelectingEveryPod_RowShowsDefaultDenyAndIsolation()
    {
        var ns = AnalyzeNamespace(OnCilium(Cnp(Sel())));

        Assert.Equal(NamespaceStatus.Compliant, ns.Status);
        Assert.True(ns.DefaultDenyIngress);
        Assert.True(ns.DefaultDenyEgress);
        Assert.Equal(["db-1", "web-1"], ns.IngressIsolatedPods);
        Assert.Equal(["db-1", "web-1"], ns.EgressIsolatedPods);
        Assert.False(ns.HasPolicy);
    }

    [Fact]
    public void CiliumPolicySelectingOnePod_IsolatesThatPodOnly()
    {
        var ns = AnalyzeNamespace(OnCilium(Cnp(Sel("app=web"))));

        Assert.Equal(["web-1"], ns.IngressIsolatedPods);
        Assert.False(ns.DefaultDenyIngress);
    }

    [Fact]
    public void CiliumRuleWithDefaultDenySwitchedOff_CoversButDoesNotIsolate()
    {
        var ns = AnalyzeNamespace(OnCilium(Cnp(Sel(), defaultDenyIngress: false)));

        Assert.Equal(["db-1", "web-1"], ns.IngressCoveredPods);
        Assert.Empty(ns.IngressIsolatedPods);
        Assert.Equal(["db-1", "web-1"], ns.EgressIsolatedPods);
    }

    [Fact]
    public void CiliumPolicyOnAnEngineThatDoesNotEnforceIt_IsolatesNothing()
    {
        var snapshot = App(s_pods) with
        {
            CiliumPolicies = [Cnp(Sel())],
            NetworkProfile = Profile(policy: "calico", dataplane: null),
            EngineEvidence = Evidence(Ready("calico")),
        };

        var ns = AnalyzeNamespace(snapshot);

        Assert.Empty(ns.IngressIsolatedPods);
        Assert.False(ns.DefaultDenyIngress);
    }

    [Fact]
    public void CalicoPolicySelectingAllWithoutRules_IsolatesAndDeniesByDefault()
    {
        var calico = new CalicoPolicy
        {
            ApiGroup = "projectcalico.org",
            Kind = "NetworkPolicy",
            Namespace = "app",
            Name = "deny",
            Selector = "all()",
            Types = ["Ingress"],
        };
        var snapshot = App(s_pods) with { CalicoPolicies = [calico], NetworkProfile = Profile(policy: "calico", dataplane: null), EngineEvidence = Evidence(Ready("calico")) };

        var ns = AnalyzeNamespace(snapshot);

        Assert.True(ns.DefaultDenyIngress);
        Assert.Equal(["db-1", "web-1"], ns.IngressIsolatedPods);
        Assert.Empty(ns.EgressIsolatedPods);
    }

    [Fact]
    public void ManifestsWithoutNamespaceObjects_AreJudgedOverTheNamedNamespacesAndSaySo()
    {
        var snapshot = Snapshot(pods: [Pod("shop", "web-1", "app=web")], policies: [Policy("shop", "deny-all", Sel(), types: ["Ingress"])]);

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal(["shop"], cluster.Namespaces.Select(n => n.Name));
        Assert.Contains(cluster.Notes, n => n.Contains("no Namespace objects", StringComparison.Ordinal) && n.Contains("(shop)", StringComparison.Ordinal));
    }
}
