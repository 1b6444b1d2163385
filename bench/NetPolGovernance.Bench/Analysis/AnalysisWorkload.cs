using System.Globalization;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Bench.Analysis;

/// <summary>
/// A generated, realistic snapshot: namespaces with team/env labels, pods with app/tier/version labels, and per
/// namespace a default deny, a DNS egress allowance, app-to-app ingress rules (matchLabels and matchExpressions,
/// namespace-scoped and cross-namespace), an ipBlock egress with excepts, and one dead policy. A Cilium profile,
/// plus a few CiliumNetworkPolicies, one clusterwide policy and Calico/ANP objects, so every coverage path runs.
/// Deterministic: the same sizes give the same snapshot.
/// </summary>
internal static class AnalysisWorkload
{
    public static ClusterSnapshot Generate(int namespaces, int podsPerNamespace, int policiesPerNamespace)
    {
        var nsList = new List<NamespaceInfo>(namespaces);
        var pods = new List<PodInfo>(namespaces * podsPerNamespace);
        var policies = new List<NetworkPolicy>(namespaces * policiesPerNamespace);
        var cilium = new List<CiliumPolicy>();
        var calico = new List<CalicoPolicy>();

        for (var n = 0; n < namespaces; n++)
        {
            var ns = Name("team", n);
            nsList.Add(new NamespaceInfo
            {
                Name = ns,
                Labels = new Dictionary<string, string> { ["team"] = Name("t", n % 20), ["env"] = n % 3 == 0 ? "prod" : "dev" },
            });

            for (var p = 0; p < podsPerNamespace; p++)
            {
                pods.Add(new PodInfo
                {
                    Namespace = ns,
                    Name = Name("app", p % 10) + "-" + p.ToString("x5", CultureInfo.InvariantCulture),
                    Labels = new Dictionary<string, string>
                    {
                        ["app"] = Name("app", p % 10),
                        ["tier"] = p % 3 == 0 ? "front" : "back",
                        ["version"] = (p % 4).ToString(CultureInfo.InvariantCulture),
                        ["pod-template-hash"] = p.ToString("x8", CultureInfo.InvariantCulture),
                    },
                    ContainerPorts = [new ContainerPort("http", 8080, "TCP")],
                    HostNetwork = p == podsPerNamespace - 1 && n % 50 == 0,
                });
            }

            for (var k = 0; k < policiesPerNamespace; k++)
            {
                policies.Add(Policy(ns, k));
            }

            if (n % 10 == 0)
            {
                cilium.Add(new CiliumPolicy
                {
                    Kind = "CiliumNetworkPolicy",
                    Namespace = ns,
                    Name = "l7-api",
                    Rules = [new CiliumRule { EndpointSelector = Match("k8s:app", Name("app", 1)), IngressCount = 1, EgressCount = 1 }],
                });
            }

            if (n % 25 == 0)
            {
                calico.Add(new CalicoPolicy
                {
                    ApiGroup = "crd.projectcalico.org",
                    Kind = "NetworkPolicy",
                    Namespace = ns,
                    Name = "default.front",
                    Selector = "tier == 'front' && app in {'app-0001', 'app-0002'} || !has(version)",
                    IngressRuleCount = 1,
                });
            }
        }

        cilium.Add(new CiliumPolicy
        {
            Kind = "CiliumClusterwideNetworkPolicy",
            Name = "baseline-deny",
            Rules =
            [
                new CiliumRule
                {
                    EndpointSelector = new LabelSelector
                    {
                        MatchExpressions = [new LabelSelectorRequirement("k8s:io.kubernetes.pod.namespace", "NotIn", ["kube-system"])],
                    },
                    EgressCount = 1,
                },
            ],
        });

        return new ClusterSnapshot
        {
            Cluster = new ClusterIdentity { Name = "bench", SubscriptionId = "00000000-0000-0000-0000-000000000000" },
            Source = SnapshotSource.KubernetesApi,
            Namespaces = nsList,
            Pods = pods,
            NetworkPolicies = policies,
            CiliumPolicies = cilium,
            CalicoPolicies = calico,
            AdminPolicies =
            [
                new AdminPolicy
                {
                    Kind = "AdminNetworkPolicy",
                    ApiVersion = "policy.networking.k8s.io/v1alpha1",
                    Name = "prod-guard",
                    SubjectNamespaces = Match("env", "prod"),
                    IngressRuleCount = 1,
                },
            ],
            NetworkProfile = new ClusterNetworkProfile
            {
                NetworkPlugin = "azure",
                NetworkPluginMode = "overlay",
                NetworkPolicy = "cilium",
                NetworkDataplane = "cilium",
                NodePoolOsTypes = ["Linux"],
            },
            EngineEvidence = new EngineEvidence { DaemonSets = [new EngineDaemonSet("cilium", "kube-system", "cilium", 10, 10)] },
        };
    }

    private static NetworkPolicy Policy(string ns, int k) => (k % 10) switch
    {
        0 => new NetworkPolicy { Namespace = ns, Name = "default-deny", PodSelector = new LabelSelector(), PolicyTypes = ["Ingress", "Egress"] },
        1 => new NetworkPolicy
        {
            Namespace = ns,
            Name = "allow-dns",
            PodSelector = new LabelSelector(),
            PolicyTypes = ["Egress"],
            Egress =
            [
                new NetworkPolicyRule
                {
                    Peers = [new NetworkPolicyPeer { NamespaceSelector = Match("kubernetes.io/metadata.name", "kube-system"), PodSelector = Match("k8s-app", "kube-dns") }],
                    Ports = [new NetworkPolicyPort { Protocol = "UDP", Port = PortValue.FromNumber(53) }, new NetworkPolicyPort { Port = PortValue.FromNumber(53) }],
                },
            ],
        },
        2 => new NetworkPolicy
        {
            Namespace = ns,
            Name = "egress-external",
            PodSelector = Match("tier", "back"),
            PolicyTypes = ["Egress"],
            Egress = [new NetworkPolicyRule { Peers = [new NetworkPolicyPeer { IpBlock = new IpBlock("0.0.0.0/0", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]) }] }],
        },
        9 => new NetworkPolicy { Namespace = ns, Name = "legacy-typo", PodSelector = Match("ap", "web"), PolicyTypes = ["Ingress"] },
        _ => new NetworkPolicy
        {
            Namespace = ns,
            Name = "allow-" + Name("app", k),
            PodSelector = new LabelSelector
            {
                MatchLabels = new Dictionary<string, string> { ["app"] = Name("app", k) },
                MatchExpressions = [new LabelSelectorRequirement("version", "NotIn", ["3"])],
            },
            Ingress =
            [
                new NetworkPolicyRule
                {
                    Peers =
                    [
                        new NetworkPolicyPeer { PodSelector = Match("tier", "front") },
                        new NetworkPolicyPeer { NamespaceSelector = Match("team", "t-0001"), PodSelector = Match("app", Name("app", k - 1)) },
                    ],
                    Ports = [new NetworkPolicyPort { Port = PortValue.FromName("http") }],
                },
            ],
        },
    };

    private static LabelSelector Match(string key, string value) =>
        new() { MatchLabels = new Dictionary<string, string> { [key] = value } };

    private static string Name(string prefix, int i) => prefix + "-" + i.ToString("D4", CultureInfo.InvariantCulture);
}
