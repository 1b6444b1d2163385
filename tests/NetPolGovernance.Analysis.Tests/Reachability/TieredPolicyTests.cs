using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Reachability;

/// <summary>
/// The tiers around NetworkPolicy (docs/semantics.md §11), written from the network-policy-api semantics: the Admin
/// tier decides first by ascending priority (Allow/Accept and Deny final, Pass hands on to NetworkPolicy), then
/// NetworkPolicy for pods it isolates, then the Baseline tier; anything not modelled is unknown.
/// </summary>
public sealed class TieredPolicyTests
{
    private static readonly PodInfo s_web = Pod("web", "api", "app=api");
    private static readonly PodInfo s_db = Pod("db", "postgres", "app=postgres").WithPorts(new ContainerPort("pg", 5432, "TCP"));
    private static readonly LabelSelector s_dbNamespace = Sel("kubernetes.io/metadata.name=db");
    private static readonly LabelSelector s_webNamespace = Sel("kubernetes.io/metadata.name=web");

    private static ClusterSnapshot Cluster(IEnumerable<AdminPolicy> admin, params NetworkPolicy[] policies) =>
        Snapshot([Ns("web"), Ns("db")], [s_web, s_db], policies) with { AdminPolicies = [.. admin] };

    private static AdminPolicy Anp(string name, int priority, IReadOnlyList<AdminPolicyRule>? ingress = null, IReadOnlyList<AdminPolicyRule>? egress = null, LabelSelector? subject = null) =>
        new()
        {
            Kind = "AdminNetworkPolicy",
            ApiVersion = "policy.networking.k8s.io/v1alpha1",
            Name = name,
            Priority = priority,
            SubjectNamespaces = subject ?? s_dbNamespace,
            Ingress = ingress ?? [],
            IngressRuleCount = ingress?.Count ?? 0,
            Egress = egress ?? [],
            EgressRuleCount = egress?.Count ?? 0,
        };

    private static AdminPolicy Banp(IReadOnlyList<AdminPolicyRule> ingress) =>
        Anp("default", 0, ingress) with { Kind = "BaselineAdminNetworkPolicy", Priority = null };

    private static AdminPolicy Cnp(string name, string tier, int priority, IReadOnlyList<AdminPolicyRule> ingress) =>
        Anp(name, priority, ingress) with { Kind = "ClusterNetworkPolicy", ApiVersion = "policy.networking.k8s.io/v1alpha2", Tier = tier };

    private static AdminPolicyRule FromWeb(string action, params AdminPolicyPort[] ports) =>
        new() { Action = action, Peers = [new AdminPolicyPeer { Namespaces = s_webNamespace }], Ports = ports.Length == 0 ? null : ports };

    private static AdminPolicyRule To(string action, AdminPolicyPeer peer) => new() { Action = action, Peers = [peer] };

    private static ReachabilityResult Ask(ClusterSnapshot snapshot, string from = "web/api", string to = "db/postgres", int port = 5432)
    {
        Assert.True(ReachabilityEndpoint.TryParse(from, out var source, out _));
        Assert.True(ReachabilityEndpoint.TryParse(to, out var destination, out _));
        return new ReachabilityEngine(snapshot).Evaluate(new ReachabilityQuery(source, destination, TransportProtocol.Tcp, port));
    }

    private static NetworkPolicy AllowWebToDb() =>
        Policy("db", "allow-web", LabelSelector.Everything, ingress: [Rule([NsPeer(s_webNamespace)])]);

    private static NetworkPolicy DenyAllIngress() => Policy("db", "default-deny", LabelSelector.Everything, types: ["Ingress"]);

    [Fact]
    public void AdminDeny_OverridesNetworkPolicyAllow()
    {
        var result = Ask(Cluster([Anp("block-web", 10, [FromWeb("Deny")])], AllowWebToDb()));

        Assert.Equal(ReachabilityVerdict.Denied, result.Verdict);
        Assert.Contains("denied by AdminNetworkPolicy block-web ingress rule 1 (Deny) (Admin tier, before NetworkPolicy)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminAllow_OverridesNetworkPolicyDefaultDeny()
    {
        var result = Ask(Cluster([Anp("let-web", 10, [FromWeb("Allow")])], DenyAllIngress()));

        Assert.Equal(ReachabilityVerdict.Allowed, result.Verdict);
    }

    [Theory]
    [InlineData(10, 20, ReachabilityVerdict.Allowed)]
    [InlineData(20, 10, ReachabilityVerdict.Denied)]
    public void AdminTier_LowerPriorityNumberDecidesFirst(int allowPriority, int denyPriority, ReachabilityVerdict expected)
    {
        var snapshot = Cluster([Anp("allow", allowPriority, [FromWeb("Allow")]), Anp("deny", denyPriority, [FromWeb("Deny")])]);

        Assert.Equal(expected, Ask(snapshot).Verdict);
    }

    [Fact]
    public void AdminTier_WithinOnePolicyTheFirstMatchingRuleDecides()
    {
        var snapshot = Cluster([Anp("ordered", 10, [FromWeb("Allow", new AdminPolicyPort { Port = 5432 }), FromWeb("Deny")])]);

        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot).Verdict);
        Assert.Equal(ReachabilityVerdict.Denied, Ask(snapshot, port: 80).Verdict);
    }

    [Fact]
    public void Pass_HandsOnToNetworkPolicy_WhichDenies()
    {
        // The lower-precedence Allow is skipped: Pass leaves the Admin tier.
        var snapshot = Cluster([Anp("pass", 5, [FromWeb("Pass")]), Anp("allow", 10, [FromWeb("Allow")])], DenyAllIngress());

        var result = Ask(snapshot);

        Assert.Equal(ReachabilityVerdict.Denied, result.Verdict);
        Assert.Contains("passed on by AdminNetworkPolicy pass ingress rule 1 (Pass)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Pass_WithoutNetworkPolicyIsolation_BaselineDecides()
    {
        var snapshot = Cluster([Anp("pass", 5, [FromWeb("Pass")]), Banp([FromWeb("Deny")])]);

        var result = Ask(snapshot);

        Assert.Equal(ReachabilityVerdict.Denied, result.Verdict);
        Assert.Contains("denied by BaselineAdminNetworkPolicy default ingress rule 1 (Deny) (Baseline tier)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Baseline_AppliesOnlyWhereNoNetworkPolicyIsolates()
    {
        var banp = Banp([FromWeb("Deny")]);

        Assert.Equal(ReachabilityVerdict.Denied, Ask(Cluster([banp])).Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(Cluster([banp], AllowWebToDb())).Verdict);
    }

    [Fact]
    public void Baseline_AllowDoesNotOverrideNetworkPolicyDeny()
    {
        Assert.Equal(ReachabilityVerdict.Denied, Ask(Cluster([Banp([FromWeb("Allow")])], DenyAllIngress())).Verdict);
    }

    [Fact]
    public void ClusterNetworkPolicy_AdminAcceptBeatsNetworkPolicy_BaselineDenyComesAfter()
    {
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(Cluster([Cnp("accept", "Admin", 1, [FromWeb("Accept")])], DenyAllIngress())).Verdict);
        Assert.Equal(ReachabilityVerdict.Denied, Ask(Cluster([Cnp("deny", "Baseline", 1, [FromWeb("Deny")])])).Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(Cluster([Cnp("deny", "Baseline", 1, [FromWeb("Deny")])], AllowWebToDb())).Verdict);
    }

    [Fact]
    public void ClusterNetworkPolicy_AdminPassThenAdminAnpAllow_IsSkipped()
    {
        var snapshot = Cluster([Cnp("pass", "Admin", 1, [FromWeb("Pass")]), Anp("allow", 2, [FromWeb("Allow")])], DenyAllIngress());

        Assert.Equal(ReachabilityVerdict.Denied, Ask(snapshot).Verdict);
    }

    [Fact]
    public void SamePriorityDisagreement_IsUnknown()
    {
        var result = Ask(Cluster([Anp("a", 10, [FromWeb("Allow")]), Anp("b", 10, [FromWeb("Deny")])]));

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains("same priority", Assert.Single(result.UnknownBecause), StringComparison.Ordinal);
    }

    [Fact]
    public void SubjectNotSelected_PolicyTakesNoPart()
    {
        var snapshot = Cluster([Anp("block-web", 10, [FromWeb("Deny")], subject: Sel("kubernetes.io/metadata.name=other"))]);

        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot).Verdict);
    }

    [Fact]
    public void PodsPeer_NeedsBothSelectors()
    {
        var peer = new AdminPolicyPeer { IsPods = true, PodsNamespaceSelector = s_webNamespace, PodsPodSelector = Sel("app=other") };
        var snapshot = Cluster([Anp("deny-other", 10, [new AdminPolicyRule { Action = "Deny", Peers = [peer] }])]);

        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot).Verdict);
    }

    [Fact]
    public void NamedPort_ResolvesOnTheDestinationPod()
    {
        var snapshot = Cluster([Anp("deny-pg", 10, [FromWeb("Deny", new AdminPolicyPort { NamedPort = "pg" })])]);

        Assert.Equal(ReachabilityVerdict.Denied, Ask(snapshot, port: 5432).Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot, port: 5433).Verdict);
    }

    [Fact]
    public void PortRange_MatchesInclusive()
    {
        var snapshot = Cluster([Anp("deny-range", 10, [FromWeb("Deny", new AdminPolicyPort { Protocol = "TCP", Port = 5000, EndPort = 5432 })])]);

        Assert.Equal(ReachabilityVerdict.Denied, Ask(snapshot, port: 5432).Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot, port: 5433).Verdict);
    }

    [Fact]
    public void NetworksPeer_MatchesAddresses_AndIsUnknownForPods()
    {
        var deny = Anp("no-egress", 10, egress: [To("Deny", new AdminPolicyPeer { Networks = ["10.0.0.0/8"] })], subject: s_webNamespace);

        Assert.Equal(ReachabilityVerdict.Denied, Ask(Cluster([deny]), to: "ip:10.1.2.3").Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(Cluster([deny]), to: "ip:192.168.0.1").Verdict);
        var toPod = Ask(Cluster([deny]));
        Assert.Equal(ReachabilityVerdict.Unknown, toPod.Verdict);
        Assert.Contains("networks 10.0.0.0/8: the pod's IP is not known", Assert.Single(toPod.UnknownBecause), StringComparison.Ordinal);
    }

    [Fact]
    public void DomainNamesPeer_IsUnknownForAddresses()
    {
        var snapshot = Cluster([Anp("fqdn", 10, egress: [To("Allow", new AdminPolicyPeer { Unmodelled = "domainNames" })], subject: s_webNamespace)]);

        var result = Ask(snapshot, to: "ip:203.0.113.9", port: 443);

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains("AdminNetworkPolicy fqdn egress rule 1 (Allow) (peer domainNames, not modelled) could change it", Assert.Single(result.UnknownBecause), StringComparison.Ordinal);
    }

    [Fact]
    public void RulesNotDecoded_IsUnknown()
    {
        var countsOnly = new AdminPolicy { Kind = "AdminNetworkPolicy", ApiVersion = "policy.networking.k8s.io/v1alpha1", Name = "opaque", Priority = 1, SubjectNamespaces = s_dbNamespace, IngressRuleCount = 2 };

        var result = Ask(Cluster([countsOnly]));

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains("AdminNetworkPolicy opaque ingress rules were not read", result.UnknownBecause[0], StringComparison.Ordinal);
    }

    [Fact]
    public void EngineThatDoesNotEnforceAdminPolicies_IgnoresThemWithANote()
    {
        var snapshot = Cluster([Anp("block-web", 10, [FromWeb("Deny")])]) with
        {
            NetworkProfile = new ClusterNetworkProfile { NetworkPlugin = "azure", NetworkPolicy = "azure" },
        };

        var result = Ask(snapshot);

        Assert.Equal(ReachabilityVerdict.Allowed, result.Verdict);
        Assert.Contains("AdminNetworkPolicy block-web is not enforced by the cluster's engine", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void CiliumPolicy_NotEnforcedOnAzureNpm_TakesNoPart()
    {
        var rule = new CiliumRule { EndpointSelector = LabelSelector.Everything, IngressDenyCount = 1 };
        var snapshot = Cluster([]) with
        {
            CiliumPolicies = [new CiliumPolicy { Kind = "CiliumNetworkPolicy", Namespace = "db", Name = "deny", Rules = [rule] }],
            NetworkProfile = new ClusterNetworkProfile { NetworkPlugin = "azure", NetworkPolicy = "azure" },
        };

        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot).Verdict);
    }

    [Fact]
    public void CalicoPolicyWithRulesNotRead_IsUnknown()
    {
        var calico = new CalicoPolicy { ApiGroup = "projectcalico.org", Kind = "NetworkPolicy", Namespace = "web", Name = "egress", Selector = "app == 'api'", Types = ["Egress"], EgressRuleCount = 1 };
        var snapshot = Cluster([]) with { CalicoPolicies = [calico] };

        var result = Ask(snapshot);

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains("unknown: Calico NetworkPolicy web/egress egress rules were not read", Assert.Single(result.UnknownBecause), StringComparison.Ordinal);
    }

    [Fact]
    public void CalicoServiceAccountSelector_IsUnknownForPodsOfItsNamespace()
    {
        var calico = new CalicoPolicy { ApiGroup = "projectcalico.org", Kind = "NetworkPolicy", Namespace = "db", Name = "by-sa", ServiceAccountSelector = "name == 'pg'", IngressRuleCount = 1 };
        var snapshot = Cluster([]) with { CalicoPolicies = [calico] };

        var result = Ask(snapshot);

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains("serviceAccountSelector (not modelled: pods carry no service account) could change it", Assert.Single(result.UnknownBecause), StringComparison.Ordinal);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot with { CalicoPolicies = [calico with { Namespace = "other" }] }).Verdict);
    }

    [Fact]
    public void InvisibleKind_MakesTheAnswerUnknown()
    {
        var snapshot = Cluster([]) with { InvisibleKinds = [new InvisibleKind("cilium.io", "CiliumNetworkPolicy", "forbidden")] };

        var result = Ask(snapshot);

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Equal("unknown: CiliumNetworkPolicy (cilium.io) could not be read (forbidden) and could change it", Assert.Single(result.UnknownBecause));
    }

    [Fact]
    public void DerivedPod_IsAddressableByTheNameTheReportGives()
    {
        var derived = Pod("db", "Deployment/postgres", "app=postgres") with { DerivedFrom = "Deployment/postgres" };
        var snapshot = Snapshot([Ns("web"), Ns("db")], [s_web, derived], [DenyAllIngress()]);

        var result = Ask(snapshot, to: "db/Deployment/postgres");

        Assert.Null(result.Error);
        Assert.Equal(ReachabilityVerdict.Denied, result.Verdict);
    }
}
