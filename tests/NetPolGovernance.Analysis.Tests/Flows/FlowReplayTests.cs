using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;
using static NetPolGovernance.Analysis.Tests.Flows.FlowTestData;

namespace NetPolGovernance.Analysis.Tests.Flows;

/// <summary>
/// Staging a proposal against observed traffic (docs/flows.md): forwarded traffic the proposal denies would drop;
/// traffic denied today that the proposal allows would open; the current set staged against itself changes nothing.
/// </summary>
public sealed class FlowReplayTests
{
    private static readonly FlowEndpoint s_web = PodEnd("shop", "web-1", "Deployment/web", "app=web");
    private static readonly FlowEndpoint s_db = PodEnd("shop", "db-0", "StatefulSet/db", "app=db");

    private static ClusterSnapshot Cluster(params NetworkPolicy[] policies) => new()
    {
        Cluster = new ClusterIdentity { Name = "c1" },
        Namespaces = [Ns("shop", "kubernetes.io/metadata.name=shop")],
        Pods = [Pod("shop", "web-1", "app=web"), Pod("shop", "db-0", "app=db"), Pod("shop", "CronJob/report", "app=report") with { DerivedFrom = "CronJob/report" }],
        NetworkPolicies = policies,
    };

    private static NetworkPolicy DenyIngressToDb() => Policy("shop", "db-deny", Sel("app=db"), ["Ingress"]);

    private static NetworkPolicy AllowWebToDb() =>
        Policy("shop", "db-allow-web", Sel("app=db"), ["Ingress"], ingress: [Rule([PodPeer(Sel("app=web"))], Port(5432))]);

    [Fact]
    public void DenyingObservedForwardedTraffic_WouldDrop_NamingTheDecidingPolicy()
    {
        var current = Cluster();
        var proposed = ProposedPolicySet.Apply(current, current with { NetworkPolicies = [DenyIngressToDb()] });
        var traffic = Traffic(Flow(s_web, s_db, 5432), Flow(s_web, s_db, 5432, minute: 3));

        var report = FlowReplay.Stage(current, proposed, traffic);

        var drop = Assert.Single(report.WouldDrop);
        Assert.Equal("shop/Deployment/web", drop.From);
        Assert.Equal("shop/StatefulSet/db", drop.To);
        Assert.Equal(5432, drop.Port);
        Assert.Equal(2, drop.Count);
        Assert.Equal(Start.AddMinutes(3), drop.LastSeen);
        Assert.Contains("shop/db-deny", drop.Policy, StringComparison.Ordinal);
        Assert.Empty(report.WouldOpen);
    }

    [Fact]
    public void AllowingTrafficDeniedToday_WouldOpen()
    {
        var current = Cluster(DenyIngressToDb());
        var proposed = ProposedPolicySet.Apply(current, current with { NetworkPolicies = [AllowWebToDb()] });
        var traffic = Traffic(Flow(s_web, s_db, 5432, verdict: FlowVerdict.Dropped));

        var report = FlowReplay.Stage(current, proposed, traffic);

        var open = Assert.Single(report.WouldOpen);
        Assert.Contains("shop/db-allow-web", open.Policy, StringComparison.Ordinal);
        Assert.Empty(report.WouldDrop);
    }

    [Fact]
    public void ObservedOnlyAsDropped_IsNotAWouldDrop()
    {
        var current = Cluster();
        var proposed = ProposedPolicySet.Apply(current, current with { NetworkPolicies = [DenyIngressToDb()] });

        var report = FlowReplay.Stage(current, proposed, Traffic(Flow(s_web, s_db, 5432, verdict: FlowVerdict.Dropped)));

        Assert.Empty(report.WouldDrop);
    }

    [Fact]
    public void StagingTheCurrentSet_ChangesNothing()
    {
        var current = Cluster(DenyIngressToDb(), AllowWebToDb());
        var traffic = Traffic(Flow(s_web, s_db, 5432), Flow(s_db, s_web, 8080), Flow(s_web, AddressEnd("8.8.8.8"), 53));

        var report = FlowReplay.Stage(current, ProposedPolicySet.Apply(current, current), traffic);

        Assert.Empty(report.WouldDrop);
        Assert.Empty(report.WouldOpen);
        Assert.Empty(report.Unverifiable);
    }

    [Fact]
    public void ChangedPodsNeverObserved_AreUnverifiable_CronJobsSaySo()
    {
        var current = Cluster();
        var denyAll = Policy("shop", "deny-all", Sel(), ["Ingress", "Egress"]);
        var proposed = ProposedPolicySet.Apply(current, current with { NetworkPolicies = [denyAll] });

        var report = FlowReplay.Stage(current, proposed, Traffic(Flow(s_web, s_db, 5432)));

        Assert.Single(report.WouldDrop);
        var cron = Assert.Single(report.Unverifiable);
        Assert.Equal("shop/CronJob/report", cron.From);
        Assert.Contains("no flow of it was observed", cron.Reason, StringComparison.Ordinal);
        Assert.Contains("CronJob may not have run", cron.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EndsNotInTheSnapshot_AreUnverifiable_WithTheReason()
    {
        var current = Cluster();
        var ghost = PodEnd("elsewhere", "x-1", "Deployment/x");
        var proposed = ProposedPolicySet.Apply(current, current with { NetworkPolicies = [DenyIngressToDb()] });

        var report = FlowReplay.Stage(current, proposed, Traffic(Flow(ghost, s_db, 5432)));

        var entry = Assert.Single(report.Unverifiable, e => e.From == "elsewhere/Deployment/x");
        Assert.Contains("namespace elsewhere has no pods", entry.Reason, StringComparison.Ordinal);
        Assert.Empty(report.WouldDrop);
    }

    [Fact]
    public void AWorkloadPodNotInTheSnapshot_IsJudgedByAPodWithItsLabels()
    {
        var current = Cluster();
        var proposed = ProposedPolicySet.Apply(current, current with { NetworkPolicies = [DenyIngressToDb()] });
        var otherReplica = PodEnd("shop", "web-9", "Deployment/web", "app=web");

        var report = FlowReplay.Stage(current, proposed, Traffic(Flow(otherReplica, s_db, 5432)));

        Assert.Single(report.WouldDrop);
    }

    [Fact]
    public void ProposedObjects_ReplaceByKindNamespaceAndName_LastWins()
    {
        var current = Cluster(DenyIngressToDb());
        var first = AllowWebToDb();
        var second = AllowWebToDb() with { Ingress = [Rule([PodPeer(Sel("app=web"))], Port(6432))] };
        var proposal = current with { NetworkPolicies = [first, second, DenyIngressToDb() with { Labels = Labels("v=2") }] };

        var applied = ProposedPolicySet.Apply(current, proposal);

        Assert.Equal(2, applied.NetworkPolicies.Count);
        Assert.Same(second, applied.NetworkPolicies.Single(p => p.Name == "db-allow-web"));
        Assert.Equal((1, 1), ProposedPolicySet.Count(current, proposal));
    }
}
