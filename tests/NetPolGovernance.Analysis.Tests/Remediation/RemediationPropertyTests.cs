using CsCheck;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;

namespace NetPolGovernance.Analysis.Tests.Remediation;

/// <summary>Properties of remediation plans over generated namespaces, pods and existing policies.</summary>
public sealed class RemediationPropertyTests
{
    private const string Planned = "ns0";

    private static readonly (TransportProtocol Protocol, int Port)[] s_probePorts =
        [(TransportProtocol.Tcp, 80), (TransportProtocol.Tcp, 8080), (TransportProtocol.Udp, 53), (TransportProtocol.Tcp, 53), (TransportProtocol.Tcp, 5432), (TransportProtocol.Tcp, 8050), (TransportProtocol.Sctp, 80)];

    private static readonly PodInfo s_dns = new()
    {
        Namespace = "kube-system",
        Name = "coredns",
        Labels = Labels(("k8s-app", "kube-dns")),
        ContainerPorts = [new ContainerPort("dns", 53, "UDP"), new ContainerPort("dns-tcp", 53, "TCP")],
    };

    private static readonly Gen<string> s_namespace = Gen.OneOfConst("ns0", "ns0", "ns1", "ns2", "kube-system");

    private static readonly Gen<IReadOnlyDictionary<string, string>> s_labels =
        Gen.Select(Gen.OneOfConst("", "a", "b"), Gen.OneOfConst("", "x", "y"), (app, tier) => (IReadOnlyDictionary<string, string>)Labels(("app", app), ("tier", tier)));

    private static readonly Gen<IReadOnlyList<ContainerPort>?> s_ports = Gen.Frequency(
        (1, Gen.Const((IReadOnlyList<ContainerPort>?)null)),
        (3, Gen.OneOfConst(
                new ContainerPort("http", 80, "TCP"),
                new ContainerPort("http", 8080, "TCP"),
                new ContainerPort("dns", 53, "UDP"),
                new ContainerPort(null, 5432, "TCP"),
                new ContainerPort("metrics", 8050, "TCP"))
            .Array[0, 3]
            .Select(ports => (IReadOnlyList<ContainerPort>?)[.. ports.DistinctBy(p => (p.Name, p.Port, p.Protocol))])));

    private static readonly Gen<LabelSelector?> s_podSelector = Gen.OneOfConst<LabelSelector?>(
        null,
        LabelSelector.Everything,
        new LabelSelector { MatchLabels = Labels(("app", "a")) },
        new LabelSelector { MatchLabels = Labels(("tier", "x")) },
        new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("app", "NotIn", ["a"])] },
        new LabelSelector { MatchLabels = Labels(("app", "b"), ("tier", "y")) },
        new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("tier", "Exists", null), new LabelSelectorRequirement("app", "In", ["a", "b"])] });

    private static readonly Gen<LabelSelector> s_namespaceSelector = Gen.OneOfConst(
        LabelSelector.Everything,
        new LabelSelector { MatchLabels = Labels(("kubernetes.io/metadata.name", "ns0")) },
        new LabelSelector { MatchLabels = Labels(("kubernetes.io/metadata.name", "ns1")) });

    private static readonly Gen<NetworkPolicyPeer> s_peer = Gen.Frequency(
        (3, s_podSelector.Select(s => new NetworkPolicyPeer { PodSelector = s ?? LabelSelector.Everything })),
        (2, s_namespaceSelector.Select(s => new NetworkPolicyPeer { NamespaceSelector = s })),
        (2, Gen.Select(s_namespaceSelector, s_podSelector, (n, p) => new NetworkPolicyPeer { NamespaceSelector = n, PodSelector = p ?? LabelSelector.Everything })),
        (1, Gen.Const(new NetworkPolicyPeer { IpBlock = new IpBlock("0.0.0.0/0", ["10.0.0.0/8"]) })));

    private static readonly Gen<NetworkPolicyPort> s_policyPort = Gen.OneOfConst(
        new NetworkPolicyPort(),
        new NetworkPolicyPort { Port = PortValue.FromNumber(80) },
        new NetworkPolicyPort { Port = PortValue.FromNumber(53), Protocol = "UDP" },
        new NetworkPolicyPort { Port = PortValue.FromName("http") },
        new NetworkPolicyPort { Port = PortValue.FromName("dns"), Protocol = "UDP" },
        new NetworkPolicyPort { Port = PortValue.FromNumber(8000), EndPort = 8100 },
        new NetworkPolicyPort { Port = PortValue.FromNumber(80), Protocol = "SCTP" });

    private static readonly Gen<NetworkPolicyRule> s_rule = Gen.Select(
        Nullable(s_peer.Array[0, 2]),
        Nullable(s_policyPort.Array[0, 2]),
        (peers, ports) => new NetworkPolicyRule { Peers = peers, Ports = ports });

    private static readonly Gen<NetworkPolicy> s_policy = Gen.Select(
        s_namespace,
        s_podSelector,
        Gen.OneOfConst<IReadOnlyList<string>?>(null, [], ["Ingress"], ["Egress"], ["Ingress", "Egress"]),
        Nullable(s_rule.Array[0, 2]),
        Nullable(s_rule.Array[0, 2]),
        (ns, selector, types, ingress, egress) => new NetworkPolicy
        {
            Namespace = ns,
            Name = "generated",
            PodSelector = selector,
            PolicyTypes = types,
            Ingress = ingress,
            Egress = egress,
        });

    private static readonly Gen<ClusterSnapshot> s_snapshot = Gen.Select(
        Gen.Select(s_namespace, s_labels, s_ports, (ns, labels, ports) => new PodInfo { Namespace = ns, Name = "pod", Labels = labels, ContainerPorts = ports }).Array[1, 7],
        s_policy.Array[0, 5],
        (pods, policies) => new ClusterSnapshot
        {
            Cluster = new ClusterIdentity { Name = "generated" },
            Pods = [s_dns, .. pods.Select((p, i) => p with { Name = $"pod{i}" })],
            NetworkPolicies = [.. policies.Select((p, i) => p with { Name = $"policy{i}" })],
        });

    /// <summary>The generated snapshots (namespaces ns0-ns2 and kube-system, a CoreDNS pod, up to five policies).</summary>
    internal static Gen<ClusterSnapshot> Snapshots => s_snapshot;

    /// <summary>The ports every generated question probes.</summary>
    internal static IReadOnlyList<(TransportProtocol Protocol, int Port)> ProbePorts => s_probePorts;

    private static readonly Gen<RemediationProfile> s_profile = Gen.OneOfConst(RemediationProfile.Baseline, RemediationProfile.Strict);

    [Fact]
    public void Plan_GeneratedNamespaces_NeverLosesDnsOrPromisedSameNamespaceTraffic()
    {
        Gen.Select(s_snapshot, s_profile).Sample((snapshot, profile) =>
        {
            var plan = RemediationPlanner.Plan(snapshot, [Planned], profile);
            var proposal = Assert.Single(plan.Namespaces);
            Assert.True(proposal.Verified, string.Join("; ", proposal.Verification.Where(c => !c.Passed).Select(c => c.Detail)));

            var before = new ReachabilityEngine(snapshot);
            var after = new ReachabilityEngine(snapshot with { NetworkPolicies = [.. snapshot.NetworkPolicies, .. proposal.Policies] });
            var inPlanned = snapshot.Pods.Where(p => p.Namespace == Planned).ToList();
            foreach (var pod in inPlanned)
            {
                foreach (var (protocol, port) in (ReadOnlySpan<(TransportProtocol, int)>)[(TransportProtocol.Udp, 53), (TransportProtocol.Tcp, 53)])
                {
                    Assert.False(Ask(before, pod, s_dns, protocol, port) && !Ask(after, pod, s_dns, protocol, port), $"DNS lost from {pod.Name} on {port}/{protocol}");
                }

                foreach (var peer in inPlanned)
                {
                    var promised = profile == RemediationProfile.Baseline
                        ? s_probePorts
                        : [.. PolicyTemplates.DeclaredPorts([peer]).Select(d => (d.Protocol, d.Port))];
                    foreach (var (protocol, port) in promised)
                    {
                        Assert.False(
                            Ask(before, pod, peer, protocol, port) && !Ask(after, pod, peer, protocol, port),
                            $"same-namespace traffic lost: {pod.Name} -> {peer.Name} {port}/{protocol}");
                    }
                }
            }
        }, iter: 150);
    }

    [Fact]
    public void Plan_GeneratedNamespaces_ImpactListsExactlyTheChangedConnections()
    {
        Gen.Select(s_snapshot, Gen.OneOfConst(RemediationProfile.Baseline, RemediationProfile.Ingress, RemediationProfile.Strict)).Sample((snapshot, profile) =>
        {
            var plan = RemediationPlanner.Plan(snapshot, [Planned], profile);
            var proposal = Assert.Single(plan.Namespaces);
            var before = new ReachabilityEngine(snapshot);
            var after = new ReachabilityEngine(snapshot with { NetworkPolicies = [.. snapshot.NetworkPolicies, .. proposal.Policies] });
            var listed = plan.Impact.ToHashSet();

            foreach (var from in snapshot.Pods)
            {
                foreach (var to in snapshot.Pods)
                {
                    if (ReferenceEquals(from, to) || (from.Namespace != Planned && to.Namespace != Planned))
                    {
                        continue;
                    }

                    var key = (From: $"{from.Namespace}/{from.Name}", To: $"{to.Namespace}/{to.Name}");
                    if (to.ContainerPorts is { Count: > 0 } ports)
                    {
                        // Declared ports: listed exactly when allowed before and denied after.
                        foreach (var port in ports)
                        {
                            Assert.True(TransportProtocols.TryParse(port.Protocol, out var protocol));
                            var changed = Ask(before, from, to, protocol, port.Port) && !Ask(after, from, to, protocol, port.Port);
                            var text = port.Name is null ? $"{port.Port}/{port.Protocol}" : $"{port.Port}/{port.Protocol} ({port.Name})";
                            Assert.Equal(changed, listed.Remove(new LostConnection(key.From, key.To, text)));
                        }
                    }
                    else
                    {
                        // Unknown ports: a pair losing any probed port is listed once; "any port" means every probed port was lost.
                        var lost = s_probePorts.Where(p => Ask(before, from, to, p.Protocol, p.Port) && !Ask(after, from, to, p.Protocol, p.Port)).ToList();
                        var entry = listed.FirstOrDefault(c => c.From == key.From && c.To == key.To);
                        if (lost.Count > 0)
                        {
                            Assert.NotNull(entry);
                        }

                        if (entry is not null)
                        {
                            listed.Remove(entry);
                            if (entry.Traffic == "any port")
                            {
                                Assert.Equal(s_probePorts.Length, lost.Count);
                            }
                        }
                    }
                }
            }

            Assert.Empty(listed);
        }, iter: 150);
    }

    [Fact]
    public void Plan_GeneratedSnapshots_NeverAllowsAConnectionDeniedToday()
    {
        var planned = Gen.OneOfConst<string[]>([Planned], [Planned, "ns1"], ["ns1", "ns2"]);
        var profiles = Gen.OneOfConst(RemediationProfile.Baseline, RemediationProfile.Ingress, RemediationProfile.Strict);
        Gen.Select(s_snapshot, profiles, planned).Sample((snapshot, profile, namespaces) =>
        {
            var plan = RemediationPlanner.Plan(snapshot, namespaces, profile);
            Assert.All(plan.Namespaces, n => Assert.True(n.Verified, $"{n.Namespace}: {string.Join("; ", n.Verification.Where(c => !c.Passed).Select(c => c.Detail))}"));
            Assert.Empty(plan.Opened);

            var applied = plan.Namespaces.Aggregate(snapshot, (s, n) => RemediationPlanner.WithPlan(s, n.Namespace, n.Policies));
            var before = new ReachabilityEngine(snapshot);
            var after = new ReachabilityEngine(applied);

            // Every port a pod declares or a policy names (plus both ends of the endPort range and a port nothing names).
            var ports = s_probePorts
                .Concat(snapshot.Pods.SelectMany(p => p.ContainerPorts ?? []).Select(p => (Protocol: TransportProtocols.TryParse(p.Protocol, out var t) ? t : TransportProtocol.Tcp, p.Port)))
                .Concat([(TransportProtocol.Tcp, 8000), (TransportProtocol.Tcp, 8100), (TransportProtocol.Tcp, 8101), (TransportProtocol.Udp, 9999)])
                .Distinct()
                .ToList();
            foreach (var from in snapshot.Pods)
            {
                foreach (var to in snapshot.Pods)
                {
                    if (ReferenceEquals(from, to))
                    {
                        continue;
                    }

                    foreach (var (protocol, port) in ports)
                    {
                        Assert.False(
                            !Ask(before, from, to, protocol, port) && Ask(after, from, to, protocol, port),
                            $"{profile} plan for {string.Join(",", namespaces)} opens {from.Namespace}/{from.Name} -> {to.Namespace}/{to.Name} {port}/{protocol}");
                    }
                }
            }
        }, iter: 300);
    }

    internal static bool Ask(ReachabilityEngine engine, PodInfo from, PodInfo to, TransportProtocol protocol, int port) =>
        engine.Evaluate(new ReachabilityQuery(
            ReachabilityEndpoint.ForPod(from.Namespace, from.Name), ReachabilityEndpoint.ForPod(to.Namespace, to.Name), protocol, port)).Allowed;

    private static Gen<T[]?> Nullable<T>(Gen<T[]> gen) => Gen.Frequency((1, Gen.Const((T[]?)null)), (3, gen.Select(a => (T[]?)a)));

    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.Where(l => l.Value.Length > 0).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
}
