using CsCheck;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Tests.Properties;

/// <summary>
/// CsCheck generators for random, often malformed, snapshots: a small label vocabulary so selectors hit and miss,
/// invalid operators, garbage CIDRs and Calico selectors, every CRD kind, random profiles, evidence and exemptions.
/// </summary>
internal static class SnapshotGen
{
    public static readonly string[] NamespaceNames = ["ns-a", "ns-b", "ns-c", "kube-system"];

    private static readonly Gen<string> s_key = Gen.OneOfConst("app", "tier", "env", "k8s:app", "kubernetes.io/metadata.name", "io.kubernetes.pod.namespace");
    private static readonly Gen<string> s_value = Gen.OneOfConst("a", "b", "", "ns-a", "kube-system");
    private static readonly Gen<string> s_namespace = Gen.OneOfConst(NamespaceNames);

    private static readonly Gen<Dictionary<string, string>> s_labels =
        Gen.Select(s_key, s_value).Array[0, 3].Select(pairs => pairs
            .GroupBy(p => p.Item1, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal));

    private static readonly Gen<LabelSelectorRequirement> s_requirement =
        Gen.Select(
            s_key,
            Gen.OneOfConst("In", "NotIn", "Exists", "DoesNotExist", "Bogus"),
            s_value.Array[0, 2].Null(0.2),
            (k, op, values) => new LabelSelectorRequirement(k, op, values));

    public static readonly Gen<LabelSelector?> Selector =
        Gen.Frequency(
            (2, Gen.Const((LabelSelector?)null)),
            (3, Gen.Const<LabelSelector?>(LabelSelector.Everything)),
            (5, Gen.Select(s_labels.Null(0.3), s_requirement.Array[0, 2].Null(0.3),
                (m, e) => (LabelSelector?)new LabelSelector { MatchLabels = m, MatchExpressions = e })));

    private static readonly Gen<string> s_cidr = Gen.OneOfConst(
        "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "10.1.2.3/8", "192.168.1.0/24", "::/0", "garbage", "1.2.3.4/40", "");

    private static readonly Gen<NetworkPolicyPeer> s_peer = Gen.Frequency(
        (3, Gen.Select(Selector, Selector, (p, n) => new NetworkPolicyPeer { PodSelector = p, NamespaceSelector = n })),
        (2, Gen.Select(s_cidr, s_cidr.Array[0, 2].Null(0.5), (c, e) => new NetworkPolicyPeer { IpBlock = new IpBlock(c, e) })),
        (1, Gen.Const(new NetworkPolicyPeer())));

    private static readonly Gen<NetworkPolicyPort> s_port = Gen.Select(
        Gen.OneOfConst<string?>(null, "TCP", "UDP", "SCTP", "ICMP"),
        Gen.Int[-1, 70000],
        Gen.Bool,
        Gen.Int[0, 70000].Nullable(0.7),
        (proto, number, named, end) => new NetworkPolicyPort
        {
            Protocol = proto,
            Port = number < 0 ? null : named ? PortValue.FromName("http") : PortValue.FromNumber(number),
            EndPort = end,
        });

    private static readonly Gen<NetworkPolicyRule> s_rule =
        Gen.Select(s_peer.Array[0, 3].Null(0.3), s_port.Array[0, 2].Null(0.4), (peers, ports) => new NetworkPolicyRule { Peers = peers, Ports = ports });

    private static readonly Gen<string[]?> s_types = Gen.OneOfConst<string[]?>(
        null, [], ["Ingress"], ["Egress"], ["Ingress", "Egress"], ["Bogus"], ["Egress", "Egress"]);

    public static readonly Gen<NetworkPolicy> NetworkPolicy =
        Gen.Select(s_namespace, Gen.Int[0, 5], Selector, s_types, s_rule.Array[0, 2].Null(0.4), s_rule.Array[0, 2].Null(0.4),
            (ns, n, selector, types, ingress, egress) => new NetworkPolicy
            {
                Namespace = ns,
                Name = "np-" + n,
                PodSelector = selector,
                PolicyTypes = types,
                Ingress = ingress,
                Egress = egress,
            });

    private static readonly Gen<PodInfo> s_pod =
        Gen.Select(s_namespace, Gen.Int[0, 9], s_labels, Gen.Int[0, 9],
            (ns, n, labels, flags) => new PodInfo
            {
                Namespace = ns,
                Name = "pod-" + n,
                Labels = labels,
                HostNetwork = flags == 0,
                DerivedFrom = flags == 1 ? "Deployment/web" : null,
            });

    private static readonly Gen<CiliumPortRule> s_ciliumPorts = Gen.Select(
        Gen.Select(Gen.OneOfConst<string?>(null, "0", "80", "5432", "http", "65535"), Gen.Int[0, 70000].Nullable(0.7), Gen.OneOfConst<string?>(null, "TCP", "UDP", "ANY", "ICMP"))
            .Select(p => new CiliumPort(p.Item1, p.Item2, p.Item3)).Array[0, 2].Null(0.3),
        Gen.OneOfConst<string[]>([], [], [], ["rules"]),
        (ports, unmodelled) => new CiliumPortRule { Ports = ports is { Length: > 0 } ? ports : null, Unmodelled = unmodelled });

    // Decoded entries: endpoints, entities, CIDR sets and ports in random combinations, sometimes a field outside the subset.
    private static readonly Gen<CiliumPeerRule> s_ciliumPeer = Gen.Select(
        Selector.Where(s => s is not null).Select(s => s!).Array[0, 2].Null(0.5),
        Gen.OneOfConst("world", "cluster", "all", "host", "kube-apiserver", "world-ipv6", "bogus").Array[0, 2].Null(0.5),
        Gen.Select(s_cidr, s_cidr.Array[0, 2].Null(0.5), (c, e) => new CiliumCidr { Cidr = c, Except = e }).Array[0, 2].Null(0.5),
        s_ciliumPorts.Array[0, 2].Null(0.5),
        Gen.OneOfConst<string[]>([], [], [], ["toFQDNs"], ["icmps"], ["fromRequires"]),
        (endpoints, entities, cidrs, ports, unmodelled) => new CiliumPeerRule
        {
            Endpoints = endpoints is { Length: > 0 } ? endpoints : null,
            Entities = entities is { Length: > 0 } ? entities : null,
            Cidrs = cidrs is { Length: > 0 } ? cidrs : null,
            Ports = ports is { Length: > 0 } ? ports : null,
            Unmodelled = unmodelled,
        });

    private static readonly Gen<CiliumRule> s_ciliumRule =
        Gen.Select(
            Gen.Select(Selector, Gen.Bool.Nullable(0.7), Gen.Bool.Nullable(0.7), Gen.Int[0, 4]),
            s_ciliumPeer.Array[0, 2],
            s_ciliumPeer.Array[0, 1],
            s_ciliumPeer.Array[0, 2],
            s_ciliumPeer.Array[0, 1],
            (head, ingress, ingressDeny, egress, egressDeny) => new CiliumRule
            {
                EndpointSelector = head.Item1,
                HasNodeSelector = head.Item1 is null,
                EnableDefaultDenyIngress = head.Item2,
                EnableDefaultDenyEgress = head.Item3,

                // Now and then the rules were only counted, not decoded (a reader that could not read them).
                Ingress = head.Item4 == 0 ? [] : ingress,
                IngressCount = ingress.Length,
                IngressDeny = ingressDeny,
                IngressDenyCount = ingressDeny.Length,
                Egress = egress,
                EgressCount = egress.Length,
                EgressDeny = egressDeny,
                EgressDenyCount = egressDeny.Length,
            });

    private static readonly Gen<CiliumPolicy> s_cilium =
        Gen.Select(s_namespace.Null(0.3), Gen.Int[0, 3], s_ciliumRule.Array[0, 2],
            (ns, n, rules) => new CiliumPolicy
            {
                Kind = ns is null ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy",
                Namespace = ns,
                Name = "cnp-" + n,
                Rules = rules,
            });

    private static readonly Gen<string?> s_calicoSelector = Gen.OneOfConst<string?>(
        null, "", "all()", "app == 'a'", "app != 'a' && has(tier)", "env in {'a','b'}", "!(tier not in {''})",
        "projectcalico.org/name == 'ns-a'", "app ==", "((", "global()", "app contains 'a' || tier starts with 'b'");

    private static readonly Gen<CalicoEntity> s_calicoEntity = Gen.Select(
        Gen.Select(s_cidr.Array[0, 2].Null(0.6), s_cidr.Array[0, 1].Null(0.8)),
        Gen.Select(s_calicoSelector, s_calicoSelector, s_calicoSelector),
        Gen.OneOfConst<string[]?>(null, null, ["80"], ["1:1000"], ["http"], ["5432", "443"]),
        Gen.OneOfConst<string[]?>(null, null, null, ["80"]),
        Gen.OneOfConst<string[]>([], [], [], ["services"]),
        (nets, selectors, ports, notPorts, unmodelled) => new CalicoEntity
        {
            Nets = nets.Item1,
            NotNets = nets.Item2,
            Selector = selectors.Item1,
            NotSelector = selectors.Item2,
            NamespaceSelector = selectors.Item3,
            Ports = ports,
            NotPorts = notPorts,
            Unmodelled = unmodelled,
        });

    private static readonly Gen<CalicoRule> s_calicoRule = Gen.Select(
        Gen.OneOfConst<string?>("Allow", "Deny", "Pass", "Log", "Bogus", null),
        Gen.OneOfConst<string?>(null, "TCP", "UDP", "6", "ICMP"),
        s_calicoEntity.Null(0.4),
        s_calicoEntity.Null(0.4),
        Gen.OneOfConst<string[]>([], [], [], ["http"]),
        (action, protocol, source, destination, unmodelled) => new CalicoRule
        {
            Action = action,
            Protocol = protocol,
            Source = source,
            Destination = destination,
            Unmodelled = unmodelled,
        });

    private static readonly Gen<CalicoPolicy> s_calico =
        Gen.Select(
            Gen.Select(s_namespace.Null(0.3), Gen.OneOfConst("default.", "", "knp.default.", "security."), Gen.Int[0, 3]),
            Gen.OneOfConst("projectcalico.org", "crd.projectcalico.org"),
            Gen.OneOfConst("NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy"),
            Gen.Select(s_calicoSelector, s_calicoSelector, s_calicoSelector),
            Gen.OneOfConst<string[]?>(null, [], ["Ingress"], ["Egress", "Ingress"]),
            Gen.Select(s_calicoRule.Array[0, 2], s_calicoRule.Array[0, 2], Gen.OneOfConst<double?>(null, 10, 1000, 2000), Gen.OneOfConst<string?>(null, null, "default", "security"), Gen.Int[0, 4]),
            (name, group, kind, selectors, types, rules) => new CalicoPolicy
            {
                ApiGroup = group,
                Kind = kind,
                Namespace = name.Item1,
                Name = name.Item2 + "cal-" + name.Item3,
                Selector = selectors.Item1,
                NamespaceSelector = selectors.Item2,
                ServiceAccountSelector = selectors.Item3,
                Types = types,
                Order = rules.Item3,
                Tier = rules.Item4,
                Ingress = rules.Item5 == 0 ? [] : rules.Item1,
                IngressRuleCount = rules.Item1.Length,
                Egress = rules.Item2,
                EgressRuleCount = rules.Item2.Length,
            });

    private static readonly Gen<AdminPolicy> s_admin =
        Gen.Select(
            Gen.OneOfConst("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"),
            Gen.OneOfConst("policy.networking.k8s.io/v1alpha1", "policy.networking.k8s.io/v1alpha2", "example/v1"),
            Gen.Select(Selector, Selector, Selector),
            Gen.Bool,
            Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2]),
            (kind, version, selectors, pods, rules) => new AdminPolicy
            {
                Kind = kind,
                ApiVersion = version,
                Name = "anp",
                SubjectNamespaces = selectors.Item1,
                SubjectPodsNamespaceSelector = selectors.Item2,
                SubjectPodsPodSelector = selectors.Item3,
                SubjectIsPods = pods,
                IngressRuleCount = rules.Item1,
                EgressRuleCount = rules.Item2,
            });

    private static readonly Gen<ClusterNetworkProfile?> s_profile =
        Gen.Select(
            Gen.OneOfConst<string?>(null, "azure", "kubenet", "none", "Azure"),
            Gen.OneOfConst<string?>(null, "none", "azure", "calico", "cilium", "weird"),
            Gen.OneOfConst<string?>(null, "azure", "cilium"),
            Gen.OneOfConst<string[]>([], ["Linux"], ["Linux", "Windows"], ["Windows"]),
            (plugin, policy, dataplane, os) => new ClusterNetworkProfile { NetworkPlugin = plugin, NetworkPolicy = policy, NetworkDataplane = dataplane, NodePoolOsTypes = os })
        .Null(0.3);

    private static readonly Gen<EngineEvidence?> s_evidence =
        Gen.Select(
            Gen.Select(Gen.OneOfConst("azure-npm", "calico", "cilium", "other"), Gen.Int[0, 3], Gen.Int[0, 3],
                (engine, desired, ready) => new EngineDaemonSet(engine, "kube-system", engine, desired, ready)).Array[0, 2],
            Gen.Bool,
            Gen.OneOfConst<string?>(null, "default", "never", "always"),
            (sets, unavailable, mode) => new EngineEvidence { DaemonSets = sets, Unavailable = unavailable && sets.Length == 0, CiliumPolicyEnforcementMode = mode })
        .Null(0.4);

    private static readonly Gen<InvisibleKind[]> s_invisible =
        Gen.OneOfConst<InvisibleKind[]>([], [], [], [new InvisibleKind("cilium.io", "CiliumNetworkPolicy", "forbidden")], [new InvisibleKind("networking.k8s.io", "NetworkPolicy", "forbidden")]);

    public static readonly Gen<ClusterSnapshot> Snapshot =
        Gen.Select(
            s_namespace.Select(n => new NamespaceInfo { Name = n, Labels = new Dictionary<string, string> { ["env"] = n == "ns-a" ? "a" : "b" } }).Array[0, 4],
            s_pod.Array[0, 20],
            NetworkPolicy.Array[0, 8],
            Gen.Select(s_cilium.Array[0, 3], s_calico.Array[0, 3], s_admin.Array[0, 2]),
            s_profile,
            s_evidence,
            s_invisible,
            (namespaces, pods, policies, crds, profile, evidence, invisible) => new ClusterSnapshot
            {
                Cluster = new ClusterIdentity { Name = "prop", SubscriptionId = "sub" },
                Namespaces = namespaces,
                Pods = pods,
                NetworkPolicies = policies,
                CiliumPolicies = crds.Item1,
                CalicoPolicies = crds.Item2,
                AdminPolicies = crds.Item3,
                NetworkProfile = profile,
                EngineEvidence = evidence,
                InvisibleKinds = invisible,
            });

    private static readonly Gen<Exemption> s_exemption =
        Gen.Select(
            Gen.OneOfConst<string?>(null, "ns-*", "ns-a", "kube-*", "?s-b"),
            Gen.OneOfConst<string?>(null, "prop", "other-*"),
            Gen.OneOfConst<string[]>([], ["NPG-N01"], ["NPG-N02", "npg-n06"], ["NPG-C01"]),
            Gen.Int[-5, 5].Nullable(0.2),
            (ns, cluster, checks, days) => new Exemption
            {
                Namespace = ns,
                Cluster = cluster,
                Checks = checks,
                Owner = "owner",
                Reason = "reason",
                ExpiresOn = days is { } d ? Builders.Snap.Now.AddDays(d) : null,
            });

    public static readonly Gen<AnalysisOptions> Options =
        Gen.Select(
            Gen.OneOfConst(ComplianceProfile.Cis, ComplianceProfile.Baseline, ComplianceProfile.Strict),
            s_exemption.Array[0, 2],
            Gen.OneOfConst<string[]?>(null, [], ["ns-c"]),
            (profile, exemptions, platform) => new AnalysisOptions { Now = Builders.Snap.Now, Profile = profile, Exemptions = exemptions, PlatformNamespaces = platform });
}
