using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Reachability;

/// <summary>
/// Calico rules in <c>reach</c> (docs/semantics.md §7.2), written from Calico's policy semantics: in the default tier
/// the policies that select the endpoint are taken by ascending order (none last), Kubernetes NetworkPolicies sit at
/// order 1000, the first matching rule decides (Allow, Deny final; Pass leaves the tier; Log goes on), and an endpoint
/// some policy selects is denied when no rule matches. Fields the model cannot judge are unknown.
/// </summary>
public sealed class CalicoReachabilityTests
{
    private static readonly PodInfo s_web = Pod("web", "api", "app=api");
    private static readonly PodInfo s_db = Pod("db", "postgres", "app=postgres").WithPorts(new ContainerPort("pg", 5432, "TCP"));

    private static readonly CalicoEntity s_fromWeb = new() { Selector = "app == 'api'", NamespaceSelector = "projectcalico.org/name == 'web'" };

    public static TheoryData<string, ClusterSnapshot, string, string, int, ReachabilityVerdict> Cases => new()
    {
        { "allow from a selected source", Cluster(Np("allow", 100, CRule("Allow", s_fromWeb, Ports("5432")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "end of tier denies what no rule matched", Cluster(Np("allow", 100, CRule("Allow", s_fromWeb, Ports("5432")))), "web/api", "db/postgres", 80, ReachabilityVerdict.Denied },
        { "port range", Cluster(Np("range", 100, CRule("Allow", s_fromWeb, Ports("5000:6000")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "named port on the receiving pod", Cluster(Np("named", 100, CRule("Allow", s_fromWeb, Ports("pg")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "notPorts excludes the port", Cluster(Np("not", 100, CRule("Allow", s_fromWeb) with { Protocol = "TCP", Destination = new CalicoEntity { NotPorts = ["5432"] } })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "a namespaced policy's selector stays in its namespace", Cluster(Np("same-ns", 100, CRule("Allow", new CalicoEntity { Selector = "app == 'api'" }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "notSelector", Cluster(Np("not-api", 100, CRule("Allow", new CalicoEntity { NamespaceSelector = "all()", NotSelector = "app == 'api'" }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "protocol UDP does not match TCP", Cluster(Np("udp", 100, CRule("Allow", s_fromWeb) with { Protocol = "UDP" })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "protocol number 6 is TCP", Cluster(Np("six", 100, CRule("Allow", s_fromWeb) with { Protocol = "6" })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },

        // Order: lower first; no order last; equal orders by name.
        { "deny at a lower order wins", Cluster(Np("a-deny", 10, CRule("Deny", null)), Np("b-allow", 20, CRule("Allow", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "allow at a lower order wins", Cluster(Np("a-deny", 20, CRule("Deny", null)), Np("b-allow", 10, CRule("Allow", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "a policy without order comes last", Cluster(Np("a-deny", null, CRule("Deny", null)), Np("b-allow", 5000, CRule("Allow", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "rules in written order", Cluster(Np("both", 10, CRule("Deny", s_fromWeb), CRule("Allow", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "Log goes on to the next rule", Cluster(Np("log", 10, CRule("Log", null), CRule("Allow", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },

        // NetworkPolicy sits at order 1000 in the default tier.
        { "Calico deny before order 1000 overrides a NetworkPolicy allow", Cluster([AllowWebToDb()], Np("deny", 100, CRule("Deny", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "a NetworkPolicy allow comes before a Calico deny after 1000", Cluster([AllowWebToDb()], Np("deny", 2000, CRule("Deny", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "a NetworkPolicy allow comes before an order-less Calico deny", Cluster([AllowWebToDb()], Np("deny", null, CRule("Deny", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "a Calico allow before 1000 admits what the NetworkPolicy would deny", Cluster([DenyAllIngress()], Np("allow", 100, CRule("Allow", s_fromWeb))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },

        // Pass leaves the default tier: past it the namespace profile allows.
        { "Pass skips the rest of the tier, NetworkPolicy included", Cluster([DenyAllIngress()], Np("pass", 100, CRule("Pass", null))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "Pass on another source does not apply", Cluster([DenyAllIngress()], Np("pass", 100, CRule("Pass", new CalicoEntity { Selector = "app == 'other'" }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },

        // nets: addresses are judged, pods (whose IPs are unknown) are not.
        { "nets admit an address", Cluster(Np("nets", 100, CRule("Allow", new CalicoEntity { Nets = ["203.0.113.0/24"] }))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "notNets exclude an address", Cluster(Np("not-nets", 100, CRule("Allow", new CalicoEntity { NotNets = ["203.0.113.0/24"] }))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "nets against a pod are unknown", Cluster(Np("nets", 100, CRule("Allow", new CalicoEntity { Nets = ["10.0.0.0/8"] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "a selector against an address is unknown (NetworkSets)", Cluster(Np("sel", 100, CRule("Allow", new CalicoEntity { Selector = "all()" }))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Unknown },

        // GlobalNetworkPolicy and egress.
        { "GlobalNetworkPolicy selectors span namespaces", Cluster(Gnp("global-allow", 100, CRule("Allow", new CalicoEntity { Selector = "app == 'api'" }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "egress Deny to an address", Cluster(Egress("no-internet", 100, CRule("Deny", null) with { Source = null, Destination = new CalicoEntity { Nets = ["0.0.0.0/0"] } }, CRule("Allow", null))), "web/api", "ip:203.0.113.9", 443, ReachabilityVerdict.Denied },
        { "egress Allow to a pod", Cluster(Egress("to-db", 100, CRule("Allow", null) with { Destination = new CalicoEntity { Selector = "app == 'postgres'", NamespaceSelector = "all()", Ports = ["5432"] }, Protocol = "TCP" })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },

        // Outside the model: unknown.
        { "http match is unknown", Cluster(Np("l7", 100, CRule("Allow", s_fromWeb) with { Unmodelled = ["http"] })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "serviceAccounts match is unknown", Cluster(Np("sa", 100, CRule("Allow", s_fromWeb with { Unmodelled = ["serviceAccounts"] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "a policy of another tier is unknown", Cluster(Np("tiered", 100, CRule("Deny", null)) with { Tier = "security" }), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "rules not read are unknown", Cluster(Np("counts", 100) with { IngressRuleCount = 1 }), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CalicoRules_DecideAsCalicoDoes(string why, ClusterSnapshot snapshot, string from, string to, int port, ReachabilityVerdict expected)
    {
        var result = Ask(snapshot, from, to, port);

        Assert.True(expected == result.Verdict, $"{why}: expected {expected}, got {result.Verdict}: {result.Explanation}");
        if (expected == ReachabilityVerdict.Unknown)
        {
            Assert.All(result.UnknownBecause, r => Assert.EndsWith("could change it", r, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void DecidingRule_IsNamedInTheExplanation()
    {
        var result = Ask(Cluster([AllowWebToDb()], Np("deny", 100, CRule("Deny", null))), "web/api", "db/postgres", 5432);

        Assert.Contains("denied by Calico NetworkPolicy db/deny ingress rule 1 (Deny) (Calico default tier)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void MaybeMatch_BeforeTheDecision_IsUnknownOnlyWhenItWouldDecideDifferently()
    {
        // A maybe-Allow before an Allow changes nothing; a maybe-Deny before it does.
        var maybe = new CalicoEntity { Nets = ["10.0.0.0/8"] };
        var sameAction = Ask(Cluster(Np("p", 10, CRule("Allow", maybe), CRule("Allow", null))), "web/api", "db/postgres", 5432);
        var otherAction = Ask(Cluster(Np("p", 10, CRule("Deny", maybe), CRule("Allow", null))), "web/api", "db/postgres", 5432);

        Assert.Equal(ReachabilityVerdict.Allowed, sameAction.Verdict);
        Assert.Equal(ReachabilityVerdict.Unknown, otherAction.Verdict);
        Assert.Contains(otherAction.UnknownBecause, r => r.Contains("nets 10.0.0.0/8: the pod's IP is not known", StringComparison.Ordinal));
    }

    [Fact]
    public void EngineThatDoesNotEnforceCalico_IgnoresItsPolicies()
    {
        var snapshot = Cluster(Np("deny", 100, CRule("Deny", null)));

        Assert.Equal(ReachabilityVerdict.Denied, new ReachabilityEngine(snapshot, "calico").Evaluate(Query("web/api", "db/postgres", 5432)).Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, new ReachabilityEngine(snapshot, "cilium").Evaluate(Query("web/api", "db/postgres", 5432)).Verdict);
    }

    [Fact]
    public void BothFamiliesSelectingWithAnUnknownEngine_IsUnknown()
    {
        var cilium = new CiliumPolicy
        {
            Kind = "CiliumNetworkPolicy",
            Namespace = "db",
            Name = "c",
            Rules = [new CiliumRule { EndpointSelector = LabelSelector.Everything, Ingress = [new CiliumPeerRule { Entities = ["all"] }], IngressCount = 1 }],
        };
        var snapshot = Cluster(Np("deny", 100, CRule("Deny", null))) with { CiliumPolicies = [cilium] };

        var result = Ask(snapshot, "web/api", "db/postgres", 5432);

        Assert.Equal(ReachabilityVerdict.Unknown, result.Verdict);
        Assert.Contains(result.UnknownBecause, r => r.StartsWith("unknown: both Cilium and Calico policies select db/postgres", StringComparison.Ordinal));
    }

    private static ClusterSnapshot Cluster(params CalicoPolicy[] calico) => Cluster([], calico);

    private static ClusterSnapshot Cluster(IReadOnlyList<NetworkPolicy> policies, params CalicoPolicy[] calico) =>
        Snapshot([Ns("web"), Ns("db")], [s_web, s_db], policies) with { CalicoPolicies = calico };

    private static NetworkPolicy AllowWebToDb() =>
        Policy("db", "allow-web", LabelSelector.Everything, ingress: [Rule([NsPeer(Sel("kubernetes.io/metadata.name=web"))])]);

    private static NetworkPolicy DenyAllIngress() => Policy("db", "default-deny", LabelSelector.Everything, types: ["Ingress"]);

    private static CalicoPolicy Np(string name, double? order, params CalicoRule[] ingress) => new()
    {
        ApiGroup = "projectcalico.org",
        Kind = "NetworkPolicy",
        Namespace = "db",
        Name = name,
        Order = order,
        Selector = "app == 'postgres'",
        Types = ["Ingress"],
        Ingress = ingress,
        IngressRuleCount = ingress.Length,
    };

    private static CalicoPolicy Gnp(string name, double? order, params CalicoRule[] ingress) =>
        Np(name, order, ingress) with { Kind = "GlobalNetworkPolicy", Namespace = null, NamespaceSelector = "projectcalico.org/name == 'db'" };

    private static CalicoPolicy Egress(string name, double? order, params CalicoRule[] egress) => new()
    {
        ApiGroup = "projectcalico.org",
        Kind = "NetworkPolicy",
        Namespace = "web",
        Name = name,
        Order = order,
        Selector = "app == 'api'",
        Types = ["Egress"],
        Egress = egress,
        EgressRuleCount = egress.Length,
    };

    private static CalicoRule CRule(string action, CalicoEntity? source, CalicoEntity? destination = null) =>
        new() { Action = action, Source = source, Destination = destination, Protocol = destination?.Ports is null && destination?.NotPorts is null ? null : "TCP" };

    private static CalicoEntity Ports(params string[] ports) => new() { Ports = ports };

    private static ReachabilityQuery Query(string from, string to, int port)
    {
        Assert.True(ReachabilityEndpoint.TryParse(from, out var source, out _));
        Assert.True(ReachabilityEndpoint.TryParse(to, out var destination, out _));
        return new ReachabilityQuery(source, destination, TransportProtocol.Tcp, port);
    }

    private static ReachabilityResult Ask(ClusterSnapshot snapshot, string from, string to, int port) =>
        new ReachabilityEngine(snapshot).Evaluate(Query(from, to, port));
}
