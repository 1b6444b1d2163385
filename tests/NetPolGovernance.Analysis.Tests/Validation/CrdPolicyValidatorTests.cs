using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Validation;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Validation;

/// <summary>
/// The structural rules of the CRD policy kinds (docs/semantics.md §14), one case per rule: ClusterNetworkPolicy from
/// the network-policy-api v1alpha2 schema, Cilium from the cilium.io/v2 schema, Calico from what the
/// projectcalico.org/v3 API server refuses. Each invalid form is rejected with its rule id and field; the valid base
/// passes; a rejected CRD policy is left out of the snapshot like a rejected NetworkPolicy.
/// </summary>
public sealed class CrdPolicyValidatorTests
{
    private static readonly CiliumPolicy s_cilium = new()
    {
        Kind = "CiliumNetworkPolicy",
        Namespace = "db",
        Name = "allow-api",
        Rules =
        [
            new CiliumRule
            {
                EndpointSelector = Sel("k8s:app=postgres"),
                Ingress =
                [
                    new CiliumPeerRule
                    {
                        Endpoints = [Sel("k8s:io.kubernetes.pod.namespace=web")],
                        Entities = ["world"],
                        Cidrs = [new CiliumCidr { Cidr = "10.0.0.0/8", Except = ["10.1.0.0/16"], InSet = true }],
                        Ports = [new CiliumPortRule { Ports = [new CiliumPort("5432", null, "TCP"), new CiliumPort("pg-admin", null, "ANY")] }],
                    },
                ],
                IngressCount = 1,
            },
        ],
    };

    private static readonly CalicoPolicy s_calico = new()
    {
        ApiGroup = "projectcalico.org",
        Kind = "NetworkPolicy",
        Namespace = "db",
        Name = "default.allow-api",
        Selector = "app == 'postgres'",
        Types = ["Ingress"],
        Ingress =
        [
            new CalicoRule
            {
                Action = "Allow",
                Protocol = "TCP",
                Source = new CalicoEntity { Selector = "app == 'api'", Nets = ["10.0.0.0/8"] },
                Destination = new CalicoEntity { Ports = ["5432", "8000:8080", "metrics"] },
            },
        ],
        IngressRuleCount = 1,
    };

    private static readonly AdminPolicy s_cnp = new()
    {
        Kind = "ClusterNetworkPolicy",
        ApiVersion = "policy.networking.k8s.io/v1alpha2",
        Name = "tenants",
        Tier = "Admin",
        Priority = 10,
        SubjectNamespaces = LabelSelector.Everything,
        Ingress = [new AdminPolicyRule { Action = "Accept", Peers = [new AdminPolicyPeer { Fields = ["namespaces"], Namespaces = LabelSelector.Everything }], Ports = [new AdminPolicyPort { Protocol = "TCP", Port = 80 }] }],
        IngressRuleCount = 1,
    };

    public static TheoryData<string, object, string, string> Invalid => new()
    {
        { "cilium: unknown entity", Cilium(e => e with { Entities = ["internet"] }), "cilium-entity", "spec.ingress[0].fromEntities[0]" },
        { "cilium: bad CIDR", Cilium(e => e with { Cidrs = [new CiliumCidr { Cidr = "10.0.0.0/33", InSet = true }] }), "cidr-valid", "spec.ingress[0].fromCIDRSet[0].cidr" },
        { "cilium: bad except", Cilium(e => e with { Cidrs = [new CiliumCidr { Cidr = "10.0.0.0/8", Except = ["nope"], InSet = true }] }), "cidr-valid", "spec.ingress[0].fromCIDRSet[0].except[0]" },
        { "cilium: bad fromCIDR", Cilium(e => e with { Cidrs = [new CiliumCidr { Cidr = "300.0.0.0/8" }] }), "cidr-valid", "spec.ingress[0].fromCIDR[0]" },
        { "cilium: port above 65535", Cilium(e => e with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("70000", null, "TCP")] }] }), "port-range", "spec.ingress[0].toPorts[0].ports[0].port" },
        { "cilium: endPort above 65535", Cilium(e => e with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("80", 70000, "TCP")] }] }), "port-range", "spec.ingress[0].toPorts[0].ports[0].endPort" },
        { "cilium: bad port name", Cilium(e => e with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("my--port", null, "TCP")] }] }), "port-name", "spec.ingress[0].toPorts[0].ports[0].port" },
        { "cilium: protocol enum", Cilium(e => e with { Ports = [new CiliumPortRule { Ports = [new CiliumPort("80", null, "tcp")] }] }), "protocol-supported", "spec.ingress[0].toPorts[0].ports[0].protocol" },
        { "cilium: selector operator", Cilium(e => e with { Endpoints = [Expr("app", "Equals", "a")] }), "selector-operator", "spec.ingress[0].fromEndpoints[0].matchExpressions[0].operator" },
        { "cilium: endpoint and node selector", s_cilium with { Rules = [s_cilium.Rules[0] with { HasNodeSelector = true }] }, "cilium-selector-one-of", "spec" },
        { "cilium: neither selector", s_cilium with { Rules = [s_cilium.Rules[0] with { EndpointSelector = null }] }, "cilium-selector-one-of", "spec" },

        { "calico: selector syntax", s_calico with { Selector = "app ==" }, "calico-selector", "spec.selector" },
        { "calico: rule selector syntax", Calico(r => r with { Source = new CalicoEntity { Selector = "((" } }), "calico-selector", "spec.ingress[0].source.selector" },
        { "calico: action enum", Calico(r => r with { Action = "allow" }), "action-supported", "spec.ingress[0].action" },
        { "calico: action required", Calico(r => r with { Action = null }), "action-supported", "spec.ingress[0].action" },
        { "calico: protocol", Calico(r => r with { Protocol = "HTTP", Destination = null }), "protocol-supported", "spec.ingress[0].protocol" },
        { "calico: protocol number out of range", Calico(r => r with { Protocol = "256", Destination = null }), "protocol-supported", "spec.ingress[0].protocol" },
        { "calico: ports need TCP, UDP or SCTP", Calico(r => r with { Protocol = "ICMP" }), "ports-protocol", "spec.ingress[0].destination.ports" },
        { "calico: port range order", Calico(r => r with { Destination = new CalicoEntity { Ports = ["9000:8000"] } }), "port-range", "spec.ingress[0].destination.ports[0]" },
        { "calico: port above 65535", Calico(r => r with { Destination = new CalicoEntity { Ports = ["65536"] } }), "port-range", "spec.ingress[0].destination.ports[0]" },
        { "calico: nets", Calico(r => r with { Source = new CalicoEntity { Nets = ["10.0.0.0/40"] } }), "cidr-valid", "spec.ingress[0].source.nets[0]" },
        { "calico: ipVersion", Calico(r => r with { IpVersion = 5 }), "ipversion-supported", "spec.ingress[0].ipVersion" },
        { "calico: types", s_calico with { Types = ["ingress"] }, "policytype-supported", "spec.types[0]" },
        { "calico: name", s_calico with { Name = "Allow_API" }, "name-dns1123-subdomain", "metadata.name" },

        { "cnp: tier enum", s_cnp with { Tier = "admin" }, "tier-supported", "spec.tier" },
        { "cnp: tier required", s_cnp with { Tier = null }, "tier-supported", "spec.tier" },
        { "cnp: priority range", s_cnp with { Priority = 1001 }, "priority-range", "spec.priority" },
        { "cnp: priority required", s_cnp with { Priority = null }, "priority-required", "spec.priority" },
        { "cnp: action enum", s_cnp with { Ingress = [s_cnp.Ingress[0] with { Action = "Allow" }] }, "action-supported", "spec.ingress[0].action" },
        { "cnp: peers required", s_cnp with { Ingress = [s_cnp.Ingress[0] with { Peers = [] }] }, "peers-required", "spec.ingress[0].from" },
        { "cnp: ingress peer form", s_cnp with { Ingress = [s_cnp.Ingress[0] with { Peers = [new AdminPolicyPeer { Fields = ["networks"], Networks = ["10.0.0.0/8"] }] }] }, "peer-one-of", "spec.ingress[0].from[0]" },
        { "cnp: port range", s_cnp with { Ingress = [s_cnp.Ingress[0] with { Ports = [new AdminPolicyPort { Protocol = "TCP", Port = 0 }] }] }, "port-range", "spec.ingress[0].protocols[0].destinationPort" },
        { "cnp: subject one of", s_cnp with { SubjectIsPods = true, SubjectPodsNamespaceSelector = LabelSelector.Everything, SubjectPodsPodSelector = LabelSelector.Everything }, "subject-one-of", "spec.subject" },
    };

    [Fact]
    public void ValidObjects_HaveNoViolation()
    {
        Assert.Empty(CrdPolicyValidator.Cilium(s_cilium));
        Assert.Empty(CrdPolicyValidator.Calico(s_calico));
        Assert.Empty(CrdPolicyValidator.ClusterNetworkPolicy(s_cnp));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidObject_IsRejectedWithItsRule(string why, object policy, string rule, string field)
    {
        var snapshot = Snapshot([Ns("db")]) with
        {
            CiliumPolicies = policy is CiliumPolicy c ? [c] : [],
            CalicoPolicies = policy is CalicoPolicy k ? [k] : [],
            AdminPolicies = policy is AdminPolicy a ? [a] : [],
        };

        var rejected = Assert.Single(ObjectValidator.Validate(snapshot).Rejected);

        Assert.True(rejected.Violations.Any(v => v.Rule == rule && v.Field == field), $"{why}: expected {rule} at {field}, got {string.Join("; ", rejected.Violations)}");
        Assert.True(rejected.IsPolicy, why);
    }

    [Fact]
    public void CalicoCrdGroup_IsNotValidated()
    {
        // crd.projectcalico.org/v1 objects bypass the Calico API server, whose rules these are.
        var snapshot = Snapshot([Ns("db")]) with { CalicoPolicies = [s_calico with { ApiGroup = "crd.projectcalico.org", Selector = "app ==" }] };

        Assert.True(ObjectValidator.Validate(snapshot).IsValid);
    }

    [Fact]
    public void RejectedCrdPolicies_AreLeftOutOfTheSnapshot()
    {
        var badCilium = Cilium(e => e with { Entities = ["internet"] });
        var badCalico = s_calico with { Name = "broken", Selector = "((" };
        var snapshot = Snapshot([Ns("db")]) with { CiliumPolicies = [s_cilium, badCilium with { Name = "broken" }], CalicoPolicies = [s_calico, badCalico] };

        var accepted = ObjectValidator.Validate(snapshot).WithoutRejectedPolicies(snapshot);

        Assert.Equal(["allow-api"], accepted.CiliumPolicies.Select(p => p.Name));
        Assert.Equal(["default.allow-api"], accepted.CalicoPolicies.Select(p => p.Name));
    }

    private static CiliumPolicy Cilium(Func<CiliumPeerRule, CiliumPeerRule> change) =>
        s_cilium with { Rules = [s_cilium.Rules[0] with { Ingress = [change(s_cilium.Rules[0].Ingress[0])] }] };

    private static CalicoPolicy Calico(Func<CalicoRule, CalicoRule> change) =>
        s_calico with { Ingress = [change(s_calico.Ingress[0])] };
}
