using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Validation;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Validation;

/// <summary>
/// One test per API-server rule (docs/semantics.md §14): the invalid form is rejected with its rule id and field, and
/// the nearest valid form is accepted. Written from the NetworkPolicy, LabelSelector and ANP/BANP validation rules.
/// </summary>
public sealed class ObjectValidatorTests
{
    private static NetworkPolicy Valid() => Policy(
        "shop",
        "web",
        Sel("app=web"),
        ["Ingress", "Egress"],
        ingress: [Rule([PodPeer(Sel("app=api"))], [Port(8080)])],
        egress: [Rule([IpPeer("10.0.0.0/8", "10.1.0.0/16")], [Port(443)])]);

    private static IReadOnlyList<Violation> Check(NetworkPolicy policy) => ObjectValidator.ValidateNetworkPolicy(policy);

    private static void AssertOnly(IReadOnlyList<Violation> violations, string rule, string field)
    {
        var violation = Assert.Single(violations);
        Assert.Equal(rule, violation.Rule);
        Assert.Equal(field, violation.Field);
    }

    private static NetworkPolicy WithIngressPort(NetworkPolicyPort port) =>
        Valid() with { Ingress = [Rule([PodPeer(Sel("app=api"))], [port])] };

    private static NetworkPolicy WithIngressPeer(NetworkPolicyPeer peer) =>
        Valid() with { Ingress = [Rule([peer])] };

    [Fact]
    public void ValidPolicy_HasNoViolation() => Assert.Empty(Check(Valid()));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0/8")]
    [InlineData("256.0.0.0/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("2001:db8::/129")]
    [InlineData("example.com/24")]
    public void IpBlock_InvalidCidr_IsRejected(string cidr) =>
        AssertOnly(Check(WithIngressPeer(IpPeer(cidr))), "cidr-valid", "spec.ingress[0].from[0].ipBlock.cidr");

    [Theory]
    [InlineData("10.0.0.0/32")]
    [InlineData("0.0.0.0/0")]
    [InlineData("10.1.2.3/8")]
    [InlineData("2001:db8::/64")]
    [InlineData("::/0")]
    public void IpBlock_ValidCidr_IsAccepted(string cidr) => Assert.Empty(Check(WithIngressPeer(IpPeer(cidr))));

    [Theory]
    [InlineData("10.0.0.0/8", "11.0.0.0/16")]
    [InlineData("10.0.0.0/16", "10.0.0.0/16")]
    [InlineData("10.0.0.0/16", "10.0.0.0/8")]
    [InlineData("10.0.0.0/8", "2001:db8::/64")]
    public void IpBlock_ExceptNotStrictlyInsideCidr_IsRejected(string cidr, string except) =>
        AssertOnly(Check(WithIngressPeer(IpPeer(cidr, except))), "except-subset", "spec.ingress[0].from[0].ipBlock.except[0]");

    [Fact]
    public void IpBlock_ExceptInvalid_IsRejectedAsInvalidCidr() =>
        AssertOnly(Check(WithIngressPeer(IpPeer("10.0.0.0/8", "10.0.0.0/40"))), "cidr-valid", "spec.ingress[0].from[0].ipBlock.except[0]");

    [Fact]
    public void Peer_IpBlockWithSelector_IsForbidden()
    {
        var peer = new NetworkPolicyPeer { IpBlock = new IpBlock("10.0.0.0/8", null), PodSelector = Sel("app=x") };

        AssertOnly(Check(WithIngressPeer(peer)), "peer-ipblock-exclusive", "spec.ingress[0].from[0]");
    }

    [Fact]
    public void Peer_PodAndNamespaceSelectorTogether_IsAccepted() =>
        Assert.Empty(Check(WithIngressPeer(NsPeer(Sel("team=a"), Sel("app=x")))));

    [Fact]
    public void Peer_Empty_IsRequired() =>
        AssertOnly(Check(WithIngressPeer(new NetworkPolicyPeer())), "peer-required", "spec.ingress[0].from[0]");

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(-1)]
    public void Port_OutOfRange_IsRejected(int port) =>
        AssertOnly(Check(WithIngressPort(Port(port))), "port-range", "spec.ingress[0].ports[0].port");

    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public void Port_AtTheBounds_IsAccepted(int port) => Assert.Empty(Check(WithIngressPort(Port(port))));

    [Fact]
    public void EndPort_BelowPort_IsRejected() =>
        AssertOnly(Check(WithIngressPort(Port(8080) with { EndPort = 8000 })), "endport-below-port", "spec.ingress[0].ports[0].endPort");

    [Fact]
    public void EndPort_EqualToPort_IsAccepted() => Assert.Empty(Check(WithIngressPort(Port(8080) with { EndPort = 8080 })));

    [Fact]
    public void EndPort_OutOfRange_IsRejected() =>
        AssertOnly(Check(WithIngressPort(Port(8080) with { EndPort = 70000 })), "port-range", "spec.ingress[0].ports[0].endPort");

    [Fact]
    public void EndPort_WithNamedPort_IsRejected() =>
        AssertOnly(
            Check(WithIngressPort(new NetworkPolicyPort { Port = PortValue.FromName("http"), EndPort = 90 })),
            "endport-named-port",
            "spec.ingress[0].ports[0].endPort");

    [Fact]
    public void EndPort_WithoutPort_IsRejected() =>
        AssertOnly(Check(WithIngressPort(new NetworkPolicyPort { EndPort = 90 })), "endport-without-port", "spec.ingress[0].ports[0].endPort");

    [Theory]
    [InlineData("HTTP")]
    [InlineData("web--port")]
    [InlineData("-http")]
    [InlineData("8080")]
    [InlineData("a-very-long-port-name")]
    public void NamedPort_Invalid_IsRejected(string name)
    {
        var violations = Check(WithIngressPort(new NetworkPolicyPort { Port = PortValue.FromName(name) }));

        Assert.NotEmpty(violations);
        Assert.All(violations, v => Assert.Equal("port-name", v.Rule));
    }

    [Fact]
    public void NamedPort_Valid_IsAccepted() => Assert.Empty(Check(WithIngressPort(new NetworkPolicyPort { Port = PortValue.FromName("http-alt") })));

    [Theory]
    [InlineData("tcp")]
    [InlineData("ICMP")]
    [InlineData("")]
    public void Protocol_Unsupported_IsRejected(string protocol) =>
        AssertOnly(Check(WithIngressPort(Port(80, protocol))), "protocol-supported", "spec.ingress[0].ports[0].protocol");

    [Theory]
    [InlineData("TCP")]
    [InlineData("UDP")]
    [InlineData("SCTP")]
    public void Protocol_Supported_IsAccepted(string protocol) => Assert.Empty(Check(WithIngressPort(Port(80, protocol))));

    [Fact]
    public void PolicyTypes_Unsupported_IsRejected() =>
        AssertOnly(Check(Valid() with { PolicyTypes = ["ingress"] }), "policytype-supported", "spec.policyTypes[0]");

    [Fact]
    public void PolicyTypes_MoreThanTwo_IsRejected() =>
        AssertOnly(Check(Valid() with { PolicyTypes = ["Ingress", "Egress", "Ingress"] }), "policytypes-count", "spec.policyTypes");

    [Theory]
    [InlineData("-app")]
    [InlineData("app-")]
    [InlineData("a/b/c")]
    [InlineData("/app")]
    [InlineData("Example.com/app")]
    [InlineData("example.com/")]
    [InlineData("app key")]
    public void SelectorKey_Invalid_IsRejected(string key)
    {
        var violations = Check(Valid() with { PodSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [key] = "x" } } });

        Assert.NotEmpty(violations);
        Assert.All(violations, v => Assert.Equal("label-key", v.Rule));
        Assert.All(violations, v => Assert.Equal("spec.podSelector.matchLabels", v.Field));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("A_b.c-D")]
    public void SelectorKey_Valid_IsAccepted(string key) =>
        Assert.Empty(Check(Valid() with { PodSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [key] = "x" } } }));

    [Fact]
    public void SelectorKey_NameLongerThan63_IsRejected() =>
        AssertOnly(
            Check(Valid() with { PodSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [new string('a', 64)] = "x" } } }),
            "label-key",
            "spec.podSelector.matchLabels");

    [Theory]
    [InlineData("-web")]
    [InlineData("web app")]
    [InlineData("web/app")]
    public void SelectorValue_Invalid_IsRejected(string value) =>
        AssertOnly(
            Check(Valid() with { PodSelector = Sel("app=" + value) }),
            "label-value",
            "spec.podSelector.matchLabels[app]");

    [Fact]
    public void SelectorValue_Empty_IsAccepted() => Assert.Empty(Check(Valid() with { PodSelector = Sel("app=") }));

    [Fact]
    public void SelectorValue_LongerThan63_IsRejected() =>
        AssertOnly(Check(Valid() with { PodSelector = Sel("app=" + new string('a', 64)) }), "label-value", "spec.podSelector.matchLabels[app]");

    [Fact]
    public void Expression_UnknownOperator_IsRejected() =>
        AssertOnly(Check(Valid() with { PodSelector = Expr("app", "Equals", "web") }), "selector-operator", "spec.podSelector.matchExpressions[0].operator");

    [Theory]
    [InlineData("In")]
    [InlineData("NotIn")]
    public void Expression_InWithoutValues_IsRejected(string op) =>
        AssertOnly(Check(Valid() with { PodSelector = Expr("app", op) }), "selector-values-required", "spec.podSelector.matchExpressions[0].values");

    [Theory]
    [InlineData("Exists")]
    [InlineData("DoesNotExist")]
    public void Expression_ExistsWithValues_IsRejected(string op) =>
        AssertOnly(Check(Valid() with { PodSelector = Expr("app", op, "web") }), "selector-values-forbidden", "spec.podSelector.matchExpressions[0].values");

    [Theory]
    [InlineData("Exists")]
    [InlineData("DoesNotExist")]
    public void Expression_ExistsWithoutValues_IsAccepted(string op) => Assert.Empty(Check(Valid() with { PodSelector = Expr("app", op) }));

    [Fact]
    public void Expression_InvalidValue_IsRejected() =>
        AssertOnly(Check(Valid() with { PodSelector = Expr("app", "In", "ok", "not ok") }), "label-value", "spec.podSelector.matchExpressions[0].values[1]");

    [Fact]
    public void PeerSelector_InvalidKey_IsRejectedAtItsPath() =>
        AssertOnly(
            Check(WithIngressPeer(NsPeer(Expr("bad key", "Exists")))),
            "label-key",
            "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].key");

    [Theory]
    [InlineData("Web")]
    [InlineData("web_app")]
    [InlineData("-web")]
    [InlineData("web.")]
    public void PolicyName_NotDns1123Subdomain_IsRejected(string name) =>
        AssertOnly(Check(Valid() with { Name = name }), "name-dns1123-subdomain", "metadata.name");

    [Fact]
    public void PolicyName_Dns1123SubdomainWithDots_IsAccepted() => Assert.Empty(Check(Valid() with { Name = "allow.web-1" }));

    [Fact]
    public void PolicyName_LongerThan253_IsRejected() =>
        AssertOnly(Check(Valid() with { Name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) }), "name-dns1123-subdomain", "metadata.name");

    [Theory]
    [InlineData("Shop")]
    [InlineData("shop.prod")]
    [InlineData("shop_prod")]
    public void PolicyNamespace_NotDns1123Label_IsRejected(string ns) =>
        AssertOnly(Check(Valid() with { Namespace = ns }), "namespace-dns1123-label", "metadata.namespace");

    [Fact]
    public void MetadataLabels_InvalidValue_IsRejected() =>
        AssertOnly(Check(Valid() with { Labels = Labels("team=a b") }), "label-value", "metadata.labels[team]");

    [Fact]
    public void Snapshot_NamespaceAndPodMetadata_AreValidated()
    {
        var snapshot = Snapshot(
            namespaces: [Ns("Shop"), Ns("ok", "team=-x")],
            pods: [Pod("ok", "Web_1"), Pod("ok", "fine", "app=web")]);

        var report = ObjectValidator.Validate(snapshot);

        Assert.Equal(
            ["Namespace Shop: name-dns1123-label", "Namespace ok: label-value", "Pod ok/Web_1: name-dns1123-subdomain"],
            report.Rejected.SelectMany(r => r.Violations.Select(v => $"{r.Describe()}: {v.Rule}")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Snapshot_DerivedPodName_IsNotValidatedAsAPodName()
    {
        var snapshot = Snapshot(pods: [Pod("ok", "Deployment/web", "app=web") with { DerivedFrom = "Deployment/web" }]);

        Assert.True(ObjectValidator.Validate(snapshot).IsValid);
    }

    [Fact]
    public void WithoutRejectedPolicies_DropsOnlyTheRejectedObject()
    {
        var bad = WithIngressPeer(IpPeer("10.0.0.0/33")) with { Name = "bad" };
        var good = Valid();
        var snapshot = Snapshot(namespaces: [Ns("shop")], policies: [bad, good]);

        var accepted = ObjectValidator.Validate(snapshot).WithoutRejectedPolicies(snapshot);

        Assert.Equal(["web"], accepted.NetworkPolicies.Select(p => p.Name));
        Assert.Single(accepted.Namespaces);
    }

    private static AdminPolicy Anp(int? priority = 10) => new()
    {
        Kind = "AdminNetworkPolicy",
        ApiVersion = "policy.networking.k8s.io/v1alpha1",
        Name = "deny-sensitive",
        Priority = priority,
        SubjectNamespaces = Sel("tier=sensitive"),
        IngressRuleCount = 1,
        Ingress =
        [
            new AdminPolicyRule
            {
                Name = "deny-all",
                Action = "Deny",
                Peers = [new AdminPolicyPeer { Fields = ["namespaces"], Namespaces = Sel() }],
                Ports = [new AdminPolicyPort { Fields = ["portNumber"], Port = 80, Protocol = "TCP" }],
            },
        ],
    };

    private static AdminPolicy Banp() => Anp(null) with { Kind = "BaselineAdminNetworkPolicy", Name = "default" };

    private static AdminPolicyRule Rule0(AdminPolicy policy) => policy.Ingress[0];

    private static AdminPolicy WithRule(AdminPolicy policy, AdminPolicyRule rule) => policy with { Ingress = [rule] };

    [Fact]
    public void Anp_Valid_HasNoViolation() => Assert.Empty(ObjectValidator.ValidateAdminPolicy(Anp()));

    [Fact]
    public void Banp_Valid_HasNoViolation() => Assert.Empty(ObjectValidator.ValidateAdminPolicy(Banp()));

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Anp_PriorityOutOfRange_IsRejected(int priority) =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(Anp(priority)), "priority-range", "spec.priority");

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void Anp_PriorityAtTheBounds_IsAccepted(int priority) => Assert.Empty(ObjectValidator.ValidateAdminPolicy(Anp(priority)));

    [Fact]
    public void Anp_PriorityMissing_IsRequired() => AssertOnly(ObjectValidator.ValidateAdminPolicy(Anp(null)), "priority-required", "spec.priority");

    [Fact]
    public void Banp_NotNamedDefault_IsRejected() =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(Banp() with { Name = "baseline" }), "banp-name", "metadata.name");

    [Theory]
    [InlineData("allow")]
    [InlineData("Drop")]
    public void Anp_UnsupportedAction_IsRejected(string action) =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Action = action })), "action-supported", "spec.ingress[0].action");

    [Fact]
    public void Anp_PassAction_IsAccepted() => Assert.Empty(ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Action = "Pass" })));

    [Fact]
    public void Banp_PassAction_IsRejected() =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(WithRule(Banp(), Rule0(Banp()) with { Action = "Pass" })), "action-supported", "spec.ingress[0].action");

    [Fact]
    public void Anp_SubjectWithBothForms_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(Anp() with { SubjectIsPods = true, SubjectPodsNamespaceSelector = Sel(), SubjectPodsPodSelector = Sel() }),
            "subject-one-of",
            "spec.subject");

    [Fact]
    public void Anp_SubjectMissing_IsRejected() =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(Anp() with { SubjectNamespaces = null }), "subject-one-of", "spec.subject");

    [Fact]
    public void Anp_SubjectPodsWithoutPodSelector_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(Anp() with { SubjectNamespaces = null, SubjectIsPods = true, SubjectPodsNamespaceSelector = Sel() }),
            "pods-selectors",
            "spec.subject.pods");

    [Fact]
    public void Anp_RuleWithoutPeers_IsRejected() =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Peers = [] })), "peers-required", "spec.ingress[0].from");

    [Fact]
    public void Anp_PeerWithTwoForms_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Peers = [new AdminPolicyPeer { Fields = ["namespaces", "pods"] }] })),
            "peer-one-of",
            "spec.ingress[0].from[0]");

    [Fact]
    public void Anp_IngressPeerNetworks_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Peers = [new AdminPolicyPeer { Fields = ["networks"], Networks = ["10.0.0.0/8"] }] })),
            "peer-one-of",
            "spec.ingress[0].from[0]");

    [Fact]
    public void Anp_EgressNetworks_ValidAndInvalidCidr()
    {
        AdminPolicy Egress(string cidr) => Anp() with
        {
            Ingress = [],
            IngressRuleCount = 0,
            Egress = [new AdminPolicyRule { Action = "Deny", Peers = [new AdminPolicyPeer { Fields = ["networks"], Networks = [cidr] }] }],
            EgressRuleCount = 1,
        };

        Assert.Empty(ObjectValidator.ValidateAdminPolicy(Egress("10.0.0.0/8")));
        AssertOnly(ObjectValidator.ValidateAdminPolicy(Egress("10.0.0.0/33")), "cidr-valid", "spec.egress[0].to[0].networks[0]");
    }

    [Fact]
    public void Anp_PeerSelectorInvalidKey_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with
            {
                Peers = [new AdminPolicyPeer { Fields = ["namespaces"], Namespaces = Sel("bad key=x") }],
            })),
            "label-key",
            "spec.ingress[0].from[0].namespaces.matchLabels");

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Anp_PortNumberOutOfRange_IsRejected(int port) =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Ports = [new AdminPolicyPort { Fields = ["portNumber"], Port = port }] })),
            "port-range",
            "spec.ingress[0].ports[0].portNumber.port");

    [Fact]
    public void Anp_PortRangeStartNotBelowEnd_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Ports = [new AdminPolicyPort { Fields = ["portRange"], Port = 90, EndPort = 90 }] })),
            "portrange-order",
            "spec.ingress[0].ports[0].portRange");

    [Fact]
    public void Anp_PortWithTwoForms_IsRejected() =>
        AssertOnly(
            ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Ports = [new AdminPolicyPort { Fields = ["portNumber", "namedPort"], Port = 80, NamedPort = "http" }] })),
            "port-one-of",
            "spec.ingress[0].ports[0]");

    [Fact]
    public void Anp_RuleNameLongerThan100_IsRejected() =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(WithRule(Anp(), Rule0(Anp()) with { Name = new string('r', 101) })), "rule-name-length", "spec.ingress[0].name");

    [Fact]
    public void Anp_MoreThan100Rules_IsRejected() =>
        AssertOnly(ObjectValidator.ValidateAdminPolicy(Anp() with { EgressRuleCount = 101 }), "rules-max", "spec.egress");
}
