using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Analysis.Semantics;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Remediation;

/// <summary>A plan keeps the namespace's existing restrictions and never opens a connection that is denied today.</summary>
public sealed class NeverWidenTests
{
    private static readonly PodInfo s_dns = Pod("kube-system", "coredns-1", "k8s-app=kube-dns")
        .WithPorts(new ContainerPort("dns", 53, "UDP"), new ContainerPort("dns-tcp", 53, "TCP"));

    private static readonly PodInfo s_web = Pod("team", "web", "app=web").WithPorts(new ContainerPort("http", 8080, "TCP"));
    private static readonly PodInfo s_db = Pod("team", "db", "app=db").WithPorts(new ContainerPort("pg", 5432, "TCP"));
    private static readonly PodInfo s_job = Pod("team", "job", "app=job");
    private static readonly PodInfo s_other = Pod("ops", "tool", "app=tool");

    private static ClusterSnapshot Team(params NetworkPolicy[] policies) =>
        Snapshot([Ns("kube-system"), Ns("team"), Ns("ops")], [s_dns, s_web, s_db, s_job, s_other], policies);

    private static ClusterSnapshot Applied(ClusterSnapshot snapshot, RemediationPlan plan) =>
        snapshot with { NetworkPolicies = [.. snapshot.NetworkPolicies, .. plan.Namespaces.Where(n => n.Verified).SelectMany(n => n.Policies)] };

    private static bool Allowed(ClusterSnapshot snapshot, PodInfo from, PodInfo to, TransportProtocol protocol, int port) =>
        new ReachabilityEngine(snapshot).Evaluate(new ReachabilityQuery(
            ReachabilityEndpoint.ForPod(from.Namespace, from.Name), ReachabilityEndpoint.ForPod(to.Namespace, to.Name), protocol, port)).Allowed;

    private static string Text(IEnumerable<LabelSelectorRequirement> requirements) =>
        string.Join(" AND ", requirements.Select(r => $"{r.Key} {r.Operator} [{string.Join(",", r.Values ?? [])}]"));

    private static string Failures(NamespaceRemediation ns) => string.Join("; ", ns.Verification.Where(c => !c.Passed).Select(c => c.Detail));

    [Fact]
    public void Plan_NamespaceAlreadyIngressIsolated_EmitsNoIngressAllowAndKeepsWhatIsDenied()
    {
        // Every pod of team is ingress-isolated; only web -> db on 5432 is admitted.
        var snapshot = Team(
            Policy("team", "deny-ingress", types: ["Ingress"]),
            Policy("team", "web-to-db", Sel("app=db"), types: ["Ingress"], ingress: [Rule([PodPeer(Sel("app=web"))], Port(5432))]));

        var plan = RemediationPlanner.Plan(snapshot, ["team"], RemediationProfile.Baseline);
        var after = Applied(snapshot, plan);

        var team = Assert.Single(plan.Namespaces);
        Assert.True(team.Verified, Failures(team));
        Assert.Equal(["netpolgov-default-deny", "netpolgov-allow-dns", "netpolgov-allow-same-namespace-egress"], team.Policies.Select(p => p.Name));
        Assert.All(team.Policies.Skip(1), p => Assert.Null(p.Ingress));
        Assert.Empty(team.Opened);
        Assert.Empty(plan.Opened);
        Assert.True(Allowed(after, s_web, s_db, TransportProtocol.Tcp, 5432));
        Assert.False(Allowed(after, s_job, s_db, TransportProtocol.Tcp, 5432));
        Assert.False(Allowed(after, s_db, s_web, TransportProtocol.Tcp, 8080));
        Assert.Contains(new VerificationCheck("never-widen", true, "no connection between existing pods that is denied today would be allowed"), team.Verification);
    }

    [Fact]
    public void Plan_SomePodsIsolated_AllowsSelectOnlyTheOthersByComplementSelector()
    {
        // db is isolated both ways (admits nothing, sends nothing); web and job are not isolated.
        var snapshot = Team(Policy("team", "lock-db", Sel("app=db"), types: ["Ingress", "Egress"]));

        var plan = RemediationPlanner.Plan(snapshot, ["team"], RemediationProfile.Baseline);
        var after = Applied(snapshot, plan);

        var team = Assert.Single(plan.Namespaces);
        Assert.True(team.Verified, Failures(team));
        Assert.Equal(
            ["netpolgov-default-deny", "netpolgov-allow-dns", "netpolgov-allow-same-namespace-ingress", "netpolgov-allow-same-namespace-egress"],
            team.Policies.Select(p => p.Name));
        Assert.All(team.Policies.Skip(1), p => Assert.Equal("app NotIn [db]", Text(p.PodSelector!.MatchExpressions!)));
        Assert.True(Allowed(after, s_web, s_job, TransportProtocol.Tcp, 1234));
        Assert.True(Allowed(after, s_web, s_dns, TransportProtocol.Udp, 53));
        Assert.False(Allowed(after, s_web, s_db, TransportProtocol.Tcp, 5432));
        Assert.False(Allowed(after, s_db, s_dns, TransportProtocol.Udp, 53));
        Assert.Contains("  podSelector:\n    matchExpressions:\n      - key: app\n        operator: NotIn\n        values:\n          - db\n", team.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TwoSelectorsIsolate_ComplementIsAUnionOfSelectors()
    {
        // web is isolated by app=web, db by tier=data AND app=db: unisolated = app!=web AND (tier!=data OR app!=db).
        var snapshot = Team(
            Policy("team", "a", Sel("app=web"), types: ["Ingress"]),
            Policy("team", "b", Sel("app=db", "tier=data"), types: ["Ingress"]));
        var unisolated = UnisolatedPods.Of(snapshot.NetworkPolicies);

        Assert.Equal([LabelSelector.Everything], unisolated.Egress);
        Assert.Equal(2, unisolated.Ingress.Count);
        Assert.Equal("app NotIn [web] AND app NotIn [db]", Text(unisolated.Ingress[0].MatchExpressions!));
        Assert.Equal("app NotIn [web] AND tier NotIn [data]", Text(unisolated.Ingress[1].MatchExpressions!));
    }

    [Theory]
    [InlineData("In", "NotIn")]
    [InlineData("NotIn", "In")]
    [InlineData("Exists", "DoesNotExist")]
    [InlineData("DoesNotExist", "Exists")]
    public void UnisolatedPods_EachOperator_IsComplementedExactly(string op, string complement)
    {
        IReadOnlyList<string>? values = op is "In" or "NotIn" ? ["x"] : null;
        var selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("k", op, values)] };

        var unisolated = UnisolatedPods.Of([Policy("team", "p", selector, types: ["Egress"])]);

        Assert.Equal([LabelSelector.Everything], unisolated.Ingress);
        Assert.Equal(new LabelSelectorRequirement("k", complement, values), Assert.Single(Assert.Single(unisolated.Egress).MatchExpressions!));
    }

    [Fact]
    public void UnisolatedPods_InvalidSelector_IsolatesNobody()
    {
        var selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("k", "Matches", ["x"])] };

        Assert.True(UnisolatedPods.Of([Policy("team", "p", selector, types: ["Ingress", "Egress"])]).IsEveryone);
    }

    [Fact]
    public void UnisolatedPods_TooManyCombinations_GivesNoAllowForThatDirection()
    {
        var policies = Enumerable.Range(0, 4).Select(i => Policy("team", $"p{i}", Sel($"a{i}=x", $"b{i}=y"), types: ["Ingress"])).ToList();

        var unisolated = UnisolatedPods.Of(policies);

        Assert.Empty(unisolated.Ingress); // 2^4 = 16 > 8 selectors: none rather than an approximation.
        Assert.Equal([LabelSelector.Everything], unisolated.Egress);
    }

    [Fact]
    public void Plan_AllPodsIsolatedBothWays_OnlyTheDefaultDeny()
    {
        var snapshot = Team(Policy("team", "lock", types: ["Ingress", "Egress"], ingress: [Rule([PodPeer(Sel("app=web"))])], egress: [Rule([PodPeer(Sel("app=db"))])]));

        var plan = RemediationPlanner.Plan(snapshot, ["team"], RemediationProfile.Strict);

        var team = Assert.Single(plan.Namespaces);
        Assert.True(team.Verified, Failures(team));
        Assert.Equal(["netpolgov-default-deny"], team.Policies.Select(p => p.Name));
        Assert.Empty(plan.Impact); // Already isolated both ways: the default deny changes nothing.
    }

    [Fact]
    public void Plan_RerunOnRemediatedNamespace_ReplacesTheDefaultDenyAndChangesNothing()
    {
        var managed = new Dictionary<string, string>(StringComparer.Ordinal) { [PolicyTemplates.ManagedByLabel] = PolicyTemplates.ManagedByValue };
        var snapshot = Team([.. PolicyTemplates.For(RemediationProfile.Baseline, "team", []).Select(p => p with { Labels = managed })]);

        var plan = RemediationPlanner.Plan(snapshot, ["team"], RemediationProfile.Baseline);

        var team = Assert.Single(plan.Namespaces);
        Assert.True(team.Verified, Failures(team));
        // The earlier allows stay (the plan does not reuse their names), so pods are isolated and get no new allow.
        Assert.Equal(["netpolgov-default-deny"], team.Policies.Select(p => p.Name));
        Assert.Empty(plan.Impact);
        Assert.Empty(plan.Opened);
    }

    [Fact]
    public void Propose_EarlierManagedAllowUnderAPlannedName_IsReplacedNotCountedAsARestriction()
    {
        // An earlier netpolgov allow with a planned name isolates db for egress; it is replaced, so it does not count.
        var managed = new Dictionary<string, string>(StringComparer.Ordinal) { [PolicyTemplates.ManagedByLabel] = PolicyTemplates.ManagedByValue };
        var earlier = Policy("team", "netpolgov-allow-dns", Sel("app=db"), types: ["Egress"], egress: [Rule()]) with { Labels = managed };
        var snapshot = Team(earlier);

        var policies = RemediationPlanner.Propose(snapshot, "team", RemediationProfile.Baseline, [s_web, s_db, s_job]);

        Assert.Equal(["netpolgov-default-deny", "netpolgov-allow-dns", "netpolgov-allow-same-namespace"], policies.Select(p => p.Name));
        Assert.All(policies, p => Assert.True(LabelSelectors.IsSelectAll(p.PodSelector)));
    }

    [Fact]
    public void Plan_ProposalThatWidens_FailsNeverWidenAndListsWhatOpens()
    {
        // The templates as they were before never-widen: the same-namespace allow selects every pod.
        var snapshot = Team(Policy("team", "deny-ingress", types: ["Ingress"]));

        var plan = RemediationPlanner.Plan(snapshot, ["team"], RemediationProfile.Baseline, (_, ns, profile, pods) => PolicyTemplates.For(profile, ns, pods));

        var team = Assert.Single(plan.Namespaces);
        Assert.False(team.Verified);
        var check = Assert.Single(team.Verification, c => !c.Passed);
        Assert.Equal("never-widen", check.Name);
        Assert.Contains("team/web -> team/db 5432/TCP (pg)", check.Detail, StringComparison.Ordinal);
        Assert.Contains(new OpenedConnection("team/job", "team/web", "8080/TCP (http)"), team.Opened);
        Assert.Contains(new OpenedConnection("team/web", "team/db", "undeclared ports: TCP 1-5431, 5433-65535; UDP any port; SCTP any port"), team.Opened);
        Assert.Contains(new OpenedConnection("team/db", "team/job", "any port"), team.Opened);
        Assert.Equal(team.Opened, plan.Opened);
        Assert.Empty(plan.Impact);
    }

    [Fact]
    public void Plan_OneNamespaceWidens_OthersStillVerifiedWithTheirImpact()
    {
        var snapshot = Team(Policy("team", "deny-ingress", types: ["Ingress"]));

        var plan = RemediationPlanner.Plan(
            snapshot,
            ["team", "ops"],
            RemediationProfile.Baseline,
            (s, ns, profile, pods) => ns == "team" ? PolicyTemplates.For(profile, ns, pods) : RemediationPlanner.Propose(s, ns, profile, pods));

        Assert.False(plan.Namespaces.Single(n => n.Namespace == "team").Verified);
        var ops = plan.Namespaces.Single(n => n.Namespace == "ops");
        Assert.True(ops.Verified, Failures(ops));
        Assert.Empty(ops.Opened);
        Assert.Contains(new LostConnection("team/web", "ops/tool", "any port"), ops.Impact);
        Assert.True(plan.AnyUnverified);
    }
}
