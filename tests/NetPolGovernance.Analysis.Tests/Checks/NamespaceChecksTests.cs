using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Checks;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Checks;

public sealed class NamespaceChecksTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web"), Pod("app", "db-1", "app=db")];

    [Fact]
    public void Findings_EveryNamespaceCheckReportedInCatalogOrder()
    {
        var ns = AnalyzeNamespace(App(s_pods));

        Assert.Equal(
            CheckCatalog.All.Where(c => c.Level == CheckLevel.Namespace).Select(c => c.Id),
            ns.Findings.Select(f => f.CheckId));
    }

    [Fact]
    public void N01_NoPolicy_FailsHighWithCisBenchmark()
    {
        var finding = FindingOf(AnalyzeNamespace(App(s_pods)), "NPG-N01");

        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("CIS AKS v1.0 5.3.2 / v1.7 4.4.2", finding.Benchmark);
        Assert.Equal("app", finding.Namespace);
        Assert.NotEmpty(finding.Remediation);
    }

    [Fact]
    public void N02N03_DefaultDenyBothDirections_Pass_WithPolicyEvidence()
    {
        var ns = AnalyzeNamespace(App(s_pods, Policy("app", "deny-all", Sel(), ["Ingress", "Egress"])));

        Assert.Equal(CheckResult.Pass, FindingOf(ns, "NPG-N02").Result);
        Assert.Equal(["deny-all"], FindingOf(ns, "NPG-N03").Evidence["policies"]);
    }

    [Fact]
    public void N04N05_PartialCoverage_ListsUncoveredPods()
    {
        var ns = AnalyzeNamespace(App(s_pods, Policy("app", "web", Sel("app=web"), ["Ingress"])));

        var n04 = FindingOf(ns, "NPG-N04");
        Assert.Equal(CheckResult.Fail, n04.Result);
        Assert.Equal(["db-1"], n04.Evidence["uncoveredPods"]);
        Assert.Equal(["db-1", "web-1"], FindingOf(ns, "NPG-N05").Evidence["uncoveredPods"]);
    }

    [Fact]
    public void N04_NamespaceWithoutPods_Passes()
    {
        Assert.Equal(CheckResult.Pass, FindingOf(AnalyzeNamespace(App([])), "NPG-N04").Result);
    }

    [Fact]
    public void N06_AllowAllIngress_FailsAtPolicyLocation()
    {
        var where = new SourceLocation("manifests/app/allow.yaml", 12);
        var allow = Policy("app", "allow", Sel(), ["Ingress"], ingress: [AllowAll()]) with { Source = where };

        var finding = FindingOf(AnalyzeNamespace(App(s_pods, allow)), "NPG-N06");

        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(where, finding.Location);
        Assert.Equal(["allow"], finding.Evidence["policies"]);
    }

    [Fact]
    public void N07_AllowAllEgress_FailsMedium()
    {
        var finding = FindingOf(AnalyzeNamespace(App(s_pods, Policy("app", "out", Sel(), ["Egress"], egress: [AllowAll()]))), "NPG-N07");

        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(Severity.Medium, finding.Severity);
    }

    [Fact]
    public void N08_DeadPolicy_FailsWithName()
    {
        var finding = FindingOf(AnalyzeNamespace(App(s_pods, Policy("app", "typo", Sel("app=wbe"), ["Ingress"]))), "NPG-N08");

        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(["typo"], finding.Evidence["policies"]);
    }

    [Theory]
    [InlineData("none", "azure", CheckResult.Fail)]
    [InlineData("azure", "azure", CheckResult.Pass)]
    [InlineData("cilium", "cilium", CheckResult.Pass)]
    public void N09_PoliciesOnEngine(string policy, string dataplane, CheckResult expected)
    {
        var snapshot = App(s_pods, Policy("app", "deny", Sel(), ["Ingress"])) with { NetworkProfile = Profile(policy: policy, dataplane: dataplane) };

        var finding = FindingOf(AnalyzeNamespace(snapshot), "NPG-N09");

        Assert.Equal(expected, finding.Result);
        Assert.Equal(Severity.Critical, finding.Severity);
    }

    [Fact]
    public void N09_EngineUnknown_NotApplicable()
    {
        Assert.Equal(CheckResult.NotApplicable, FindingOf(AnalyzeNamespace(App(s_pods, Policy("app", "deny", Sel()))), "NPG-N09").Result);
    }

    [Fact]
    public void N09_OnlyCalicoPoliciesOnCiliumCluster_Fails()
    {
        var snapshot = App(s_pods) with
        {
            NetworkProfile = Profile(),
            CalicoPolicies = [new CalicoPolicy { ApiGroup = "projectcalico.org", Kind = "NetworkPolicy", Namespace = "app", Name = "c" }],
        };

        var ns = AnalyzeNamespace(snapshot);

        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N09").Result);
        Assert.Equal(NamespaceStatus.Unenforced, ns.Status);
    }

    [Fact]
    public void Owner_FromNamespaceAnnotationThenLabels()
    {
        var annotated = Ns("app", "team=payments") with { Annotations = Labels("netpolgov.io/owner=alice@contoso.com") };

        Assert.Equal("alice@contoso.com", AnalyzeNamespace(Snapshot([annotated])).Owner);
        Assert.Equal("payments", AnalyzeNamespace(Snapshot([Ns("app", "team=payments")])).Owner);
        Assert.Null(AnalyzeNamespace(Snapshot([Ns("app")])).Owner);
    }
}
