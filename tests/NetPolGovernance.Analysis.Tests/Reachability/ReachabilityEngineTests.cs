using System.Net;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Reachability;

public sealed class ReachabilityEngineTests
{
    private static readonly PodInfo s_web = Pod("web", "api", "app=api");
    private static readonly PodInfo s_db = Pod("db", "postgres", "app=postgres").WithPorts(new ContainerPort("pg", 5432, "TCP"));
    private static readonly PodInfo s_other = Pod("db", "backup", "app=backup");

    private static ReachabilityResult Ask(ClusterSnapshot snapshot, string from, string to, TransportProtocol protocol, int port)
    {
        Assert.True(ReachabilityEndpoint.TryParse(from, out var source, out _));
        Assert.True(ReachabilityEndpoint.TryParse(to, out var destination, out _));
        return new ReachabilityEngine(snapshot).Evaluate(new ReachabilityQuery(source, destination, protocol, port));
    }

    private static ClusterSnapshot Db(params NetworkPolicy[] policies) =>
        Snapshot([Ns("web", "team=web"), Ns("db")], [s_web, s_db, s_other], policies);

    [Fact]
    public void Evaluate_NoPolicies_AllowedAndNotIsolated()
    {
        var result = Ask(Db(), "web/api", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.True(result.Allowed);
        Assert.Equal("egress: web/api not isolated; ingress: db/postgres not isolated", result.Explanation);
    }

    [Fact]
    public void Evaluate_DefaultDenyPlusAllowFromApi_ExplanationNamesIsolatorAndRule()
    {
        var snapshot = Db(
            Policy("db", "default-deny", types: ["Ingress"]),
            Policy("db", "allow-api", Sel("app=postgres"), ingress:
                [Rule([NsPeer(Sel("kubernetes.io/metadata.name=web"), Sel("app=api"))], Port(5432))]));

        var result = Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.True(result.Allowed);
        Assert.Equal(
            "egress: web/api not isolated; ingress: db/postgres isolated by db/allow-api, db/default-deny, admitted by db/allow-api rule 1 "
            + "(from namespaceSelector kubernetes.io/metadata.name=web AND podSelector app=api, port 5432/TCP)",
            result.Explanation);
    }

    [Fact]
    public void Evaluate_DefaultDenyOnly_DeniedWithReason()
    {
        var result = Ask(Db(Policy("db", "default-deny", types: ["Ingress"])), "web/api", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.False(result.Allowed);
        Assert.Contains("ingress: db/postgres isolated by db/default-deny; no ingress rule admits web/api on 5432/TCP", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PolicyTypesMissingWithEgressRules_IsolatesBothDirections()
    {
        // policyTypes omitted: Ingress is always added, Egress because egress has one element (docs/semantics.md §4).
        var snapshot = Db(Policy("web", "dns-only", egress: [Rule(null, Port(53, "UDP"))]));

        Assert.False(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "db/postgres", "web/api", TransportProtocol.Tcp, 80).Allowed);
        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Udp, 53).Allowed);
    }

    [Fact]
    public void Evaluate_PolicyTypesMissingWithEmptyEgressList_IsolatesIngressOnly()
    {
        var snapshot = Db(Policy("web", "empty-egress", egress: []));

        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "db/postgres", "web/api", TransportProtocol.Tcp, 80).Allowed);
    }

    [Fact]
    public void Evaluate_ExplicitEgressOnlyTypes_IngressSectionIgnored()
    {
        var snapshot = Db(Policy("db", "egress-only", types: ["Egress"], ingress: []));

        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "db/postgres", "web/api", TransportProtocol.Tcp, 80).Allowed);
    }

    [Fact]
    public void Evaluate_BarePodSelectorPeer_MeansSameNamespaceOnly()
    {
        var snapshot = Db(Policy("db", "same-ns", types: ["Ingress"], ingress: [Rule([PodPeer(LabelSelector.Everything)])]));

        Assert.True(Ask(snapshot, "db/backup", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Fact]
    public void Evaluate_NamespaceAndPodSelectorInOneElement_IsAnd()
    {
        var and = Db(Policy("db", "and", types: ["Ingress"], ingress:
            [Rule([NsPeer(Sel("team=web"), Sel("app=backup"))])]));

        var both = and with { Pods = [.. and.Pods, Pod("web", "worker", "app=backup")] };

        Assert.True(Ask(both, "web/worker", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(and, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(and, "db/backup", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Fact]
    public void Evaluate_NamespaceAndPodSelectorInTwoElements_IsOr()
    {
        var or = Db(Policy("db", "or", types: ["Ingress"], ingress:
            [Rule([NsPeer(Sel("team=web")), PodPeer(Sel("app=backup"))])]));

        Assert.True(Ask(or, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.True(Ask(or, "db/backup", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Fact]
    public void Evaluate_NamedPortTcpButPodPortUdp_DoesNotMatch()
    {
        var dns = Pod("db", "dns", "app=dns").WithPorts(new ContainerPort("dns", 53, "UDP"));
        var snapshot = Snapshot(pods: [s_web, dns], policies: [Policy("db", "named", types: ["Ingress"], ingress: [Rule(null, Named("dns", "TCP"))])]);

        Assert.False(Ask(snapshot, "web/api", "db/dns", TransportProtocol.Tcp, 53).Allowed);
        Assert.False(Ask(snapshot, "web/api", "db/dns", TransportProtocol.Udp, 53).Allowed);
    }

    [Fact]
    public void Evaluate_NamedPort_ResolvesPerDestinationPod()
    {
        var a = Pod("db", "a", "tier=x").WithPorts(new ContainerPort("http", 8080, "TCP"));
        var b = Pod("db", "b", "tier=x").WithPorts(new ContainerPort("http", 9090, "TCP"));
        var snapshot = Snapshot(pods: [s_web, a, b], policies: [Policy("db", "named", types: ["Ingress"], ingress: [Rule(null, Named("http"))])]);

        var onA = Ask(snapshot, "web/api", "db/a", TransportProtocol.Tcp, 8080);

        Assert.True(onA.Allowed);
        Assert.Contains("named port http/TCP (= 8080)", onA.Explanation, StringComparison.Ordinal);
        Assert.False(Ask(snapshot, "web/api", "db/a", TransportProtocol.Tcp, 9090).Allowed);
        Assert.True(Ask(snapshot, "web/api", "db/b", TransportProtocol.Tcp, 9090).Allowed);
    }

    [Fact]
    public void Evaluate_EgressNamedPort_ResolvesOnDestinationPod()
    {
        var snapshot = Db(Policy("web", "egress-named", types: ["Egress"], egress: [Rule(null, Named("pg"))]));

        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "web/api", "db/backup", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "web/api", "ip:203.0.113.7", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Theory]
    [InlineData(7999, false)]
    [InlineData(8000, true)]
    [InlineData(8050, true)]
    [InlineData(8100, true)]
    [InlineData(8101, false)]
    public void Evaluate_EndPortRange_IsInclusive(int port, bool expected)
    {
        var snapshot = Db(Policy("db", "range", types: ["Ingress"], ingress: [Rule(null, Port(8000, endPort: 8100))]));

        Assert.Equal(expected, Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, port).Allowed);
    }

    [Fact]
    public void Evaluate_PortWithoutProtocol_DefaultsToTcpOnly()
    {
        var snapshot = Db(Policy("db", "tcp", types: ["Ingress"], ingress: [Rule(null, Port(5432))]));

        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.False(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Udp, 5432).Allowed);
    }

    [Fact]
    public void Evaluate_SctpRule_DoesNotAdmitTcpOnSamePort()
    {
        var snapshot = Db(Policy("db", "sctp", types: ["Ingress"], ingress: [Rule(null, Port(5432, "SCTP"))]));

        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Sctp, 5432).Allowed);
        Assert.False(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Theory]
    [InlineData("ip:10.1.2.3", true)]
    [InlineData("ip:10.2.0.1", false)]
    [InlineData("ip:10.2.3.4", true)]
    [InlineData("ip:192.168.0.1", false)]
    [InlineData("ip:2001:db8::1", true)]
    [InlineData("ip:2001:db8:0:1::1", false)]
    [InlineData("ip:2001:db9::1", false)]
    public void Evaluate_IpBlockWithExcept_OtherPeerRefillsHole(string from, bool expected)
    {
        // 10.2.0.0/16 is carved out, but 10.2.3.0/24 is refilled by a second peer (docs/semantics.md §5: except holes can be refilled).
        var snapshot = Db(Policy("db", "cidr", types: ["Ingress"], ingress:
            [Rule([IpPeer("10.0.0.0/8", "10.2.0.0/16"), IpPeer("10.2.3.0/24"), IpPeer("2001:db8::/32", "2001:db8:0:1::/64")])]));

        Assert.Equal(expected, Ask(snapshot, from, "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Fact]
    public void Evaluate_IpBlockCoveringEverything_DoesNotMatchPods()
    {
        var snapshot = Db(Policy("db", "world", types: ["Ingress"], ingress: [Rule([IpPeer("0.0.0.0/0")])]));

        Assert.False(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        Assert.True(Ask(snapshot, "ip:198.51.100.1", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
    }

    [Fact]
    public void Evaluate_NamespaceSelectorEverything_DoesNotCoverExternalAddresses()
    {
        var snapshot = Db(Policy("web", "in-cluster", types: ["Egress"], egress: [Rule([NsPeer(LabelSelector.Everything)])]));

        Assert.True(Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432).Allowed);
        var external = Ask(snapshot, "web/api", "ip:203.0.113.7", TransportProtocol.Tcp, 443);
        Assert.False(external.Allowed);
        Assert.Contains("ingress: ip:203.0.113.7 is outside the cluster", external.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PodToItself_AllowedEvenUnderDenyAll()
    {
        var snapshot = Db(Policy("db", "deny-all", types: ["Ingress", "Egress"]));

        var result = Ask(snapshot, "db/postgres", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.True(result.Allowed);
        Assert.Contains("cannot block access to itself", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BothSidesMustAgree_EgressDenialBlocks()
    {
        var snapshot = Db(
            Policy("web", "deny-egress", types: ["Egress"]),
            Policy("db", "allow-all", types: ["Ingress"], ingress: [Rule()]));

        var result = Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.False(result.Allowed);
        Assert.StartsWith("egress: web/api isolated by web/deny-egress; no egress rule admits db/postgres", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("admitted by db/allow-all rule 1 (from any peer, any port)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MatchExpressionsNotIn_MatchesPodsWithoutKey()
    {
        var notIn = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("app", "NotIn", ["backup"])] };
        var snapshot = Db(Policy("db", "not-backup", types: ["Ingress"], ingress: [Rule([NsPeer(LabelSelector.Everything) with { PodSelector = notIn }])]));
        var unlabelled = Pod("web", "plain");

        Assert.True(Ask(snapshot with { Pods = [.. snapshot.Pods, unlabelled] }, "web/plain", "db/postgres", TransportProtocol.Tcp, 1).Allowed);
        Assert.False(Ask(snapshot, "db/backup", "db/postgres", TransportProtocol.Tcp, 1).Allowed);
    }

    [Fact]
    public void Evaluate_UnknownPod_ReportsErrorNotCrash()
    {
        var result = Ask(Db(), "web/missing", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.False(result.Allowed);
        Assert.Equal("pod web/missing is not in the snapshot", result.Error);
    }

    [Fact]
    public void Evaluate_CiliumPolicyWithRulesNotRead_AnswerIsUnknownNamingIt()
    {
        var rule = new CiliumRule { EndpointSelector = LabelSelector.Everything, IngressCount = 1 };
        var snapshot = Db() with { CiliumPolicies = [new CiliumPolicy { Kind = "CiliumNetworkPolicy", Namespace = "db", Name = "l7", Rules = [rule] }] };

        var result = Ask(snapshot, "web/api", "db/postgres", TransportProtocol.Tcp, 5432);

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains("unknown: CiliumNetworkPolicy db/l7 selects db/postgres but its ingress rules were not read", Assert.Single(result.UnknownBecause), StringComparison.Ordinal);
    }

    [Fact]
    public void AllowedTraffic_IntersectsEgressAndIngressPorts()
    {
        var snapshot = Db(
            Policy("web", "egress", types: ["Egress"], egress: [Rule(null, Port(5000, endPort: 6000))]),
            Policy("db", "ingress", types: ["Ingress"], ingress: [Rule(null, Port(5432), Port(7000))]));
        var engine = new ReachabilityEngine(snapshot);

        var traffic = engine.AllowedTraffic(s_web, s_db);

        Assert.Equal("TCP 5432", traffic.ToString());
    }

    [Theory]
    [InlineData("ns/pod", true)]
    [InlineData("ip:10.0.0.1", true)]
    [InlineData("ip:fe80::1", true)]
    [InlineData("ip:nope", false)]
    [InlineData("justapod", false)]
    [InlineData("shop/Deployment/web", true)]
    [InlineData("a/b/c/d", false)]
    [InlineData("a//c", false)]
    [InlineData("a/b/", false)]
    [InlineData("", false)]
    public void TryParse_Endpoints_AcceptsPodsDerivedPodsAndAddressesOnly(string text, bool expected)
    {
        Assert.Equal(expected, ReachabilityEndpoint.TryParse(text, out _, out _));
    }

    [Fact]
    public void TryParse_Address_KeepsAddress()
    {
        Assert.True(ReachabilityEndpoint.TryParse("ip:10.0.0.1", out var endpoint, out _));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), endpoint.Address);
    }
}
