using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;
using static NetPolGovernance.Analysis.Tests.Flows.FlowTestData;

namespace NetPolGovernance.Analysis.Tests.Flows;

/// <summary>
/// Runtime against static (docs/flows.md, "Runtime proof"): policy hit counts, unused allow rules, allow-all policies
/// carrying traffic, drops by owner, and NPG-N13, which fails only for traffic forwarded at the destination's ingress
/// that the destination's ingress policies deny.
/// </summary>
public sealed class RuntimeProofTests
{
    private const string N13 = "NPG-N13";

    private static readonly FlowEndpoint s_web = PodEnd("shop", "web-1", "Deployment/web", "app=web");
    private static readonly FlowEndpoint s_db = PodEnd("shop", "db-0", "StatefulSet/db", "app=db");
    private static readonly FlowEndpoint s_batch = PodEnd("jobs", "report-1", "CronJob/report", "app=report");

    private static NetworkPolicy DenyIngressToDb() => Policy("shop", "db-deny", Sel("app=db"), ["Ingress"]);

    private static NetworkPolicy AllowWebToDb() =>
        Policy("shop", "db-allow-web", Sel("app=db"), ["Ingress"], ingress: [Rule([PodPeer(Sel("app=web"))], Port(5432)), Rule([PodPeer(Sel("app=admin"))], Port(22))]);

    private static ClusterSnapshot Cluster(ClusterFlows? flows, params NetworkPolicy[] policies) => new()
    {
        Cluster = new ClusterIdentity { Name = "c1" },
        Namespaces = [Ns("shop", "kubernetes.io/metadata.name=shop"), Ns("jobs", "kubernetes.io/metadata.name=jobs")],
        Pods = [Pod("shop", "web-1", "app=web"), Pod("shop", "db-0", "app=db"), Pod("jobs", "report-1", "app=report")],
        NetworkPolicies = policies,
        Flows = flows,
    };

    private static ClusterFlows Read(params ObservedFlow[] flows) => ClusterFlows.Read(Traffic(flows), "flow files test.jsonl");

    private static ObservedFlow Both(FlowEndpoint from, FlowEndpoint to, int port, FlowVerdict ingress = FlowVerdict.Forwarded, int minute = 0) =>
        Flow(from, to, port, minute, ingress, FlowDirection.Ingress);

    private static NamespaceAssessment Shop(ClusterSnapshot snapshot) => AnalyzeNamespace(snapshot, "shop");

    [Fact]
    public void ForwardedAtIngress_ThatThePoliciesDeny_FailsN13_NamingTheConnectionAndThePolicy()
    {
        var snapshot = Cluster(Read(Both(s_web, s_db, 5432), Both(s_web, s_db, 5432, minute: 4)), DenyIngressToDb());

        var shop = Shop(snapshot);

        var finding = FindingOf(shop, N13);
        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.True(finding.InProfile);
        Assert.Contains("shop/Deployment/web -> shop/StatefulSet/db 5432/TCP", finding.Message, StringComparison.Ordinal);
        Assert.Contains("shop/db-deny", Assert.Single(finding.Evidence["contradictions"]), StringComparison.Ordinal);
        Assert.Equal(NamespaceStatus.NonCompliant, shop.Status);
        Assert.Equal(1, shop.Runtime!.ContradictionCount);
        Assert.Equal(2, shop.Runtime.Contradictions[0].Forwarded);
    }

    [Fact]
    public void ForwardedOnlyAtTheSourcesEgress_IsNotAContradiction()
    {
        // Cilium reports a packet at the source's egress before the destination's ingress decides; a packet the
        // destination then drops is no proof that enforcement is missing.
        var snapshot = Cluster(Read(Flow(s_web, s_db, 5432), Both(s_web, s_db, 5432, FlowVerdict.Dropped)), DenyIngressToDb());

        var finding = FindingOf(Shop(snapshot), N13);

        Assert.Equal(CheckResult.NotApplicable, finding.Result);
        Assert.Contains("none was seen forwarded into this namespace", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardedTrafficThePoliciesAllow_Passes()
    {
        var snapshot = Cluster(Read(Both(s_web, s_db, 5432)), DenyIngressToDb(), AllowWebToDb());

        var finding = FindingOf(Shop(snapshot), N13);

        Assert.Equal(CheckResult.Pass, finding.Result);
        Assert.Contains("1 events", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFlowsGiven_IsNotApplicable_NeverPass()
    {
        var finding = FindingOf(Shop(Cluster(flows: null, DenyIngressToDb())), N13);

        Assert.Equal(CheckResult.NotApplicable, finding.Result);
        Assert.Contains("No flows were given", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlowsThatCouldNotBeRead_AreUnknown()
    {
        var snapshot = Cluster(ClusterFlows.Unavailable("ContainerNetworkLogs, last 24 h", "the query API answered 403"), DenyIngressToDb());

        var shop = Shop(snapshot);

        Assert.Equal(CheckResult.Unknown, FindingOf(shop, N13).Result);
        Assert.Contains("403", FindingOf(shop, N13).Message, StringComparison.Ordinal);
        Assert.Equal(NamespaceStatus.Unknown, shop.Status);
    }

    [Fact]
    public void FlowsThatCoverAnotherNamespaceOnly_SaySoForThisOne()
    {
        var snapshot = Cluster(Read(Both(s_web, s_batch, 8080)), DenyIngressToDb());

        var finding = FindingOf(Shop(snapshot), N13);

        Assert.Equal(CheckResult.NotApplicable, finding.Result);
        Assert.Contains("not shown here, and not assumed", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNamespaceHasAnN13Row()
    {
        var result = SnapshotAnalyzer.Analyze(Cluster(Read(Both(s_web, s_db, 5432))), Options());

        Assert.All(result.Namespaces, n => Assert.Single(n.Findings, f => f.CheckId == N13));
    }

    [Fact]
    public void HitCounts_UnusedRules_AndDropsByOwner()
    {
        var snapshot = Cluster(
            Read(
                Both(s_web, s_db, 5432),
                Both(s_web, s_db, 5432, minute: 1),
                Flow(s_web, s_db, 5432, minute: 1),
                Both(s_batch, s_db, 5432, FlowVerdict.Dropped),
                Both(s_batch, s_db, 5432, FlowVerdict.Dropped, minute: 2)),
            DenyIngressToDb(),
            AllowWebToDb());

        var runtime = Shop(snapshot).Runtime!;

        var allow = runtime.PolicyHits.Single(h => h.Policy == "shop/db-allow-web");
        Assert.Equal(2, allow.Matched);
        Assert.Equal(0, runtime.PolicyHits.Single(h => h.Policy == "shop/db-deny").Matched);
        Assert.Equal(["shop/db-allow-web ingress rule 2"], runtime.UnusedRules);
        var drops = Assert.Single(runtime.DropsByOwner);
        Assert.Equal(new OwnerDropCount("StatefulSet/db", 2, 0), drops);
        Assert.Equal(2, runtime.Dropped);
        Assert.Empty(runtime.AllowAllCarryingTraffic);
    }

    [Fact]
    public void PoliciesTheDataplaneCredits_AreCounted_AndAllowAllCarryingTrafficIsNamed()
    {
        var allowAll = Policy("shop", "db-open", Sel("app=db"), ["Ingress"], ingress: [AllowAll()]);
        var credited = Both(s_web, s_db, 5432) with { AllowedBy = ["shop/db-open", "CiliumNetworkPolicy shop/l7-extra"] };
        var snapshot = Cluster(Read(credited), allowAll);

        var runtime = Shop(snapshot).Runtime!;

        var open = Assert.Single(runtime.AllowAllCarryingTraffic);
        Assert.Equal(new PolicyHitCount("shop/db-open", 1, 1), open);
        Assert.Contains(new PolicyHitCount("shop/l7-extra", null, 1), runtime.PolicyHits);
    }

    [Fact]
    public void AnUnknownStaticAnswer_MakesN13Unknown_NotPass()
    {
        var named = Policy("shop", "db-named", Sel("app=db"), ["Ingress"], ingress: [Rule([PodPeer(Sel("app=web"))], Named("postgres"))]);
        var snapshot = Cluster(Read(Both(s_web, s_db, 5432)), named);

        var finding = FindingOf(Shop(snapshot), N13);

        Assert.Equal(CheckResult.Unknown, finding.Result);
        Assert.Contains("unknown static answer", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlowsByCluster_RoutesByName_AndReadsASingleClustersExportForAnyName()
    {
        var fleet = new FlowsByCluster("flow files f.jsonl");
        fleet.Add(Both(s_web, s_db, 5432) with { Cluster = "aks-1" });
        fleet.Add(Both(s_web, s_db, 5432) with { Cluster = "aks-2" });
        fleet.Add(Both(s_web, s_db, 5432, minute: 2) with { Cluster = "AKS-2" });

        Assert.Equal(1, fleet.For("aks-1").Traffic!.Flows);
        Assert.Equal(2, fleet.For("aks-2").Traffic!.Flows);
        var other = fleet.For("aks-3");
        Assert.Empty(other.Traffic!.Edges);
        Assert.Contains("aks-1, aks-2", other.Note, StringComparison.Ordinal);

        var single = new FlowsByCluster("flow files g.jsonl");
        single.Add(Both(s_web, s_db, 5432) with { Cluster = "samples" });
        single.Add(Both(s_web, s_db, 5432));
        var read = single.For("manifests");
        Assert.Equal(2, read.Traffic!.Flows);
        Assert.Contains("name cluster samples", read.Note, StringComparison.Ordinal);
    }
}
