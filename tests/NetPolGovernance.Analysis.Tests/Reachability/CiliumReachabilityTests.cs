using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Reachability;

/// <summary>
/// Cilium rules in <c>reach</c> (docs/semantics.md §7.1), written from Cilium's policy semantics: a rule selecting an
/// endpoint with a section of a direction puts it into default deny (unless <c>enableDefaultDeny</c> is off), allows
/// add up with NetworkPolicy, deny rules win over every allow, a namespaced policy's endpoint selectors stay in its
/// namespace unless they name one, entities and CIDRs match as documented, and fields outside the L3/L4 subset are
/// unknown.
/// </summary>
public sealed class CiliumReachabilityTests
{
    private static readonly PodInfo s_web = Pod("web", "api", "app=api");
    private static readonly PodInfo s_db = Pod("db", "postgres", "app=postgres").WithPorts(new ContainerPort("pg", 5432, "TCP"));
    private static readonly PodInfo s_dbSibling = Pod("db", "backup", "app=backup");
    private static readonly LabelSelector s_postgres = Sel("app=postgres");
    private static readonly LabelSelector s_api = Sel("app=api");
    private static readonly LabelSelector s_apiInWeb = Sel("app=api", "k8s:io.kubernetes.pod.namespace=web");

    public static TheoryData<string, ClusterSnapshot, string, string, int, ReachabilityVerdict> Cases => new()
    {
        // Allows: a selected endpoint is in default deny and admits what a rule allows.
        { "endpoints with namespace label admit the peer", Cluster(Cnp("db", "allow-api", Ingress(s_postgres, FromEndpoints(s_apiInWeb)))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "selected endpoint denies what no rule admits", Cluster(Cnp("db", "allow-api", Ingress(s_postgres, FromEndpoints(s_apiInWeb)))), "db/backup", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "endpoints without namespace label stay in the policy's namespace", Cluster(Cnp("db", "allow-api", Ingress(s_postgres, FromEndpoints(s_api)))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "clusterwide endpoints without namespace label match any namespace", Cluster(Ccnp("allow-api", Ingress(s_postgres, FromEndpoints(s_api)))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "empty endpoint selector in a CNP is its namespace", Cluster(Cnp("db", "same-ns", Ingress(s_postgres, FromEndpoints(LabelSelector.Everything)))), "db/backup", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "empty endpoint selector in a CNP is not another namespace", Cluster(Cnp("db", "same-ns", Ingress(s_postgres, FromEndpoints(LabelSelector.Everything)))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "unselected pod is not isolated", Cluster(Cnp("db", "allow-api", Ingress(s_postgres, FromEndpoints(s_apiInWeb)))), "web/api", "db/backup", 80, ReachabilityVerdict.Allowed },
        { "toPorts limits the allow", Cluster(Cnp("db", "pg-only", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [Tcp("5432")] }))), "web/api", "db/postgres", 80, ReachabilityVerdict.Denied },
        { "toPorts alone admits every peer", Cluster(Cnp("db", "pg-any", Ingress(s_postgres, new CiliumPeerRule { Ports = [Tcp("5432")] }))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "named port resolves on the receiving pod", Cluster(Cnp("db", "pg-named", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [Tcp("pg")] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "port range with endPort", Cluster(Cnp("db", "range", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("5000", 6000, "TCP")] }] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "protocol ANY admits TCP", Cluster(Cnp("db", "any", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("5432", null, "ANY")] }] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "UDP port does not admit TCP", Cluster(Cnp("db", "udp", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("5432", null, "UDP")] }] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "an empty entry admits nothing", Cluster(Cnp("db", "deny-all", Ingress(s_postgres, new CiliumPeerRule()))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },

        // Deny wins over allow, whether the allow is Cilium's or a NetworkPolicy's.
        { "ingressDeny overrides a Cilium allow", Cluster(Cnp("db", "mixed", Ingress(s_postgres, FromEntities("cluster")) with { IngressDeny = [FromEndpoints(s_apiInWeb)], IngressDenyCount = 1 })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "ingressDeny overrides a NetworkPolicy allow", Cluster([AllowWebToDb()], Cnp("db", "deny-api", IngressDeny(s_postgres, FromEndpoints(s_apiInWeb)))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "ingressDeny on another port leaves the allow", Cluster([AllowWebToDb()], Cnp("db", "deny-80", IngressDeny(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [Tcp("80")] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "a deny-only rule still puts the endpoint into default deny", Cluster(Cnp("db", "deny-world", IngressDeny(s_postgres, FromEntities("world")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "enableDefaultDeny off: the deny-only rule denies only its peers", Cluster(Cnp("db", "deny-world", IngressDeny(s_postgres, FromEntities("world")) with { EnableDefaultDenyIngress = false })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "enableDefaultDeny off: the deny still applies", Cluster(Cnp("db", "deny-world", IngressDeny(s_postgres, FromEntities("world")) with { EnableDefaultDenyIngress = false })), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "a NetworkPolicy allow and a Cilium allow add up", Cluster([AllowWebToDb()], Cnp("db", "world", Ingress(s_postgres, FromEntities("world")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },

        // Entities.
        { "world admits an address", Cluster(Cnp("db", "world", Ingress(s_postgres, FromEntities("world")))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "world does not admit a pod", Cluster(Cnp("db", "world", Ingress(s_postgres, FromEntities("world")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "cluster admits a pod", Cluster(Cnp("db", "cluster", Ingress(s_postgres, FromEntities("cluster")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "cluster does not admit an address", Cluster(Cnp("db", "cluster", Ingress(s_postgres, FromEntities("cluster")))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "all admits an address", Cluster(Cnp("db", "all", Ingress(s_postgres, FromEntities("all")))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "world-ipv6 does not admit an IPv4 address", Cluster(Cnp("db", "v6", Ingress(s_postgres, FromEntities("world-ipv6")))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "kube-apiserver might be an address", Cluster(Cnp("db", "api", Ingress(s_postgres, FromEntities("kube-apiserver")))), "ip:203.0.113.9", "db/postgres", 5432, ReachabilityVerdict.Unknown },

        // CIDRs: addresses only, except cuts holes.
        { "CIDR set admits an address inside", Cluster(Cnp("db", "cidr", Ingress(s_postgres, FromCidrSet("10.0.0.0/8", "10.1.0.0/16")))), "ip:10.2.3.4", "db/postgres", 5432, ReachabilityVerdict.Allowed },
        { "CIDR set except excludes an address", Cluster(Cnp("db", "cidr", Ingress(s_postgres, FromCidrSet("10.0.0.0/8", "10.1.0.0/16")))), "ip:10.1.2.3", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "CIDR never matches a pod", Cluster(Cnp("db", "cidr", Ingress(s_postgres, FromCidrSet("0.0.0.0/0")))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },
        { "egress toCIDR admits an address", Cluster(Cnp("web", "out", Egress(s_api, new CiliumPeerRule { Cidrs = [new CiliumCidr { Cidr = "203.0.113.0/24" }] }))), "web/api", "ip:203.0.113.9", 443, ReachabilityVerdict.Allowed },
        { "egress denies what no rule admits", Cluster(Cnp("web", "out", Egress(s_api, new CiliumPeerRule { Cidrs = [new CiliumCidr { Cidr = "203.0.113.0/24" }] }))), "web/api", "ip:198.51.100.1", 443, ReachabilityVerdict.Denied },
        { "egressDeny to endpoints", Cluster(Cnp("web", "no-db", new CiliumRule { EndpointSelector = s_api, EgressDeny = [FromEndpoints(Sel("k8s:io.kubernetes.pod.namespace=db"))], EgressDenyCount = 1, EnableDefaultDenyEgress = false })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Denied },

        // Outside the subset: never a confident answer.
        { "L7 rules are unknown", Cluster(Cnp("db", "l7", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("5432", null, "TCP")], Unmodelled = ["rules"] }] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "toFQDNs is unknown", Cluster(Cnp("web", "fqdn", Egress(s_api, new CiliumPeerRule { Unmodelled = ["toFQDNs"] }))), "web/api", "ip:203.0.113.9", 443, ReachabilityVerdict.Unknown },
        { "fromRequires is unknown", Cluster(Cnp("db", "req", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Unmodelled = ["fromRequires"] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "icmps alone is unknown for TCP", Cluster(Cnp("db", "icmp", Ingress(s_postgres, FromEndpoints(s_apiInWeb) with { Unmodelled = ["icmps"] }))), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
        { "rules not read are unknown", Cluster(Cnp("db", "counts", new CiliumRule { EndpointSelector = s_postgres, IngressCount = 1 })), "web/api", "db/postgres", 5432, ReachabilityVerdict.Unknown },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CiliumRules_DecideAsCiliumDoes(string why, ClusterSnapshot snapshot, string from, string to, int port, ReachabilityVerdict expected)
    {
        var result = Ask(snapshot, from, to, port);

        Assert.True(expected == result.Verdict, $"{why}: expected {expected}, got {result.Verdict}: {result.Explanation}");
        if (expected == ReachabilityVerdict.Unknown)
        {
            Assert.All(result.UnknownBecause, r => Assert.EndsWith("could change it", r, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Deny_IsNamedInTheExplanation()
    {
        var snapshot = Cluster([AllowWebToDb()], Cnp("db", "deny-api", IngressDeny(s_postgres, FromEndpoints(s_apiInWeb))));

        var result = Ask(snapshot, "web/api", "db/postgres", 5432);

        Assert.Contains("denied by CiliumNetworkPolicy db/deny-api ingressDeny rule 1", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void UnmodelledField_IsNamedInTheUnknownReason()
    {
        var snapshot = Cluster(Cnp("web", "fqdn", Egress(s_api, new CiliumPeerRule { Unmodelled = ["toFQDNs"] })));

        var result = Ask(snapshot, "web/api", "ip:203.0.113.9", 443);

        Assert.Contains(result.UnknownBecause, r => r.StartsWith("unknown: CiliumNetworkPolicy web/fqdn egress rule 1 (toFQDNs: not modelled)", StringComparison.Ordinal));
    }

    [Fact]
    public void EngineThatDoesNotEnforceCilium_IgnoresItsPolicies()
    {
        var snapshot = Cluster(Cnp("db", "deny-all", Ingress(s_postgres, new CiliumPeerRule())));

        var withCilium = new ReachabilityEngine(snapshot, "cilium").Evaluate(Query("web/api", "db/postgres", 5432));
        var withNpm = new ReachabilityEngine(snapshot, "azure-npm").Evaluate(Query("web/api", "db/postgres", 5432));

        Assert.Equal(ReachabilityVerdict.Denied, withCilium.Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, withNpm.Verdict);
        Assert.Contains("CiliumNetworkPolicy db/deny-all is not enforced by the cluster's engine", withNpm.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownEngineName_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new ReachabilityEngine(Cluster(), "nope"));
    }

    [Fact]
    public void EnforcementAlways_IsolatesEveryEndpoint()
    {
        var snapshot = Cluster() with
        {
            EngineEvidence = new EngineEvidence { DaemonSets = [Ready("cilium")], CiliumPolicyEnforcementMode = "always" },
        };

        Assert.Equal(ReachabilityVerdict.Denied, Ask(snapshot, "web/api", "db/postgres", 5432).Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Ask(snapshot with { EngineEvidence = snapshot.EngineEvidence! with { CiliumPolicyEnforcementMode = "default" } }, "web/api", "db/postgres", 5432).Verdict);
    }

    private static ClusterSnapshot Cluster(params CiliumPolicy[] cilium) => Cluster([], cilium);

    private static ClusterSnapshot Cluster(IReadOnlyList<NetworkPolicy> policies, params CiliumPolicy[] cilium) =>
        Snapshot([Ns("web"), Ns("db")], [s_web, s_db, s_dbSibling], policies) with { CiliumPolicies = cilium };

    private static NetworkPolicy AllowWebToDb() =>
        Policy("db", "allow-web", LabelSelector.Everything, ingress: [Rule([NsPeer(Sel("kubernetes.io/metadata.name=web"))])]);

    private static CiliumPolicy Cnp(string ns, string name, CiliumRule rule) =>
        new() { Kind = "CiliumNetworkPolicy", Namespace = ns, Name = name, Rules = [rule] };

    private static CiliumPolicy Ccnp(string name, CiliumRule rule) =>
        new() { Kind = "CiliumClusterwideNetworkPolicy", Name = name, Rules = [rule] };

    private static CiliumRule Ingress(LabelSelector selector, params CiliumPeerRule[] rules) =>
        new() { EndpointSelector = selector, Ingress = rules, IngressCount = rules.Length };

    private static CiliumRule IngressDeny(LabelSelector selector, params CiliumPeerRule[] rules) =>
        new() { EndpointSelector = selector, IngressDeny = rules, IngressDenyCount = rules.Length };

    private static CiliumRule Egress(LabelSelector selector, params CiliumPeerRule[] rules) =>
        new() { EndpointSelector = selector, Egress = rules, EgressCount = rules.Length };

    private static CiliumPeerRule FromEndpoints(params LabelSelector[] selectors) => new() { Endpoints = selectors };

    private static CiliumPeerRule FromEntities(params string[] entities) => new() { Entities = entities };

    private static CiliumPeerRule FromCidrSet(string cidr, params string[] except) =>
        new() { Cidrs = [new CiliumCidr { Cidr = cidr, Except = except.Length == 0 ? null : except }] };

    private static CiliumPortRule Tcp(string port) => new() { Ports = [new CiliumPort(port, null, "TCP")] };

    private static ReachabilityQuery Query(string from, string to, int port)
    {
        Assert.True(ReachabilityEndpoint.TryParse(from, out var source, out _));
        Assert.True(ReachabilityEndpoint.TryParse(to, out var destination, out _));
        return new ReachabilityQuery(source, destination, TransportProtocol.Tcp, port);
    }

    private static ReachabilityResult Ask(ClusterSnapshot snapshot, string from, string to, int port) =>
        new ReachabilityEngine(snapshot).Evaluate(Query(from, to, port));
}
