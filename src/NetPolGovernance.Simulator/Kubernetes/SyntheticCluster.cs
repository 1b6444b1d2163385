using System.Globalization;
using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>The size and features of a generated cluster.</summary>
internal sealed record SyntheticClusterShape
{
    public int Namespaces { get; init; } = 6;

    public int PodsPerNamespace { get; init; } = 8;

    public int PoliciesPerNamespace { get; init; } = 3;

    /// <summary>Adds Cilium, Calico (projectcalico.org/v3) and AdminNetworkPolicy objects.</summary>
    public bool CrdPolicies { get; init; } = true;

    /// <summary>Lets NetworkPolicies use named ports (the collector then reads full pods).</summary>
    public bool NamedPorts { get; init; }

    /// <summary>Pods carry the metadata, spec and status of production pods (about 5 KB each; see <see cref="KubeObjects.RealisticPod"/>).</summary>
    public bool RealisticPods { get; init; }

    /// <summary>The engine DaemonSet in kube-system (<c>cilium</c>, <c>calico-node</c>, <c>azure-npm</c>), or null for none.</summary>
    public string? EngineDaemonSet { get; init; } = "cilium";
}

/// <summary>
/// Generates the wire objects of a plausible cluster from a seed: labelled namespaces and pods, NetworkPolicies of
/// many shapes (default deny, allow-all, selectors with matchExpressions, namespace selectors, ipBlocks, numeric and
/// named ports, missing policyTypes, dead selectors), CRD policies, an engine DaemonSet and its host-network pods.
/// The same seed and shape give the same objects, ordered by namespace then name (the API server's list order). Used by equivalence tests, the collection benchmark and the fleet simulator.
/// </summary>
internal static class SyntheticCluster
{
    private static readonly string[] s_apps = ["web", "api", "db", "cache", "worker"];
    private static readonly string[] s_teams = ["payments", "search", "platform"];

    public static List<JsonObject> Generate(int seed, SyntheticClusterShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var random = new Random(seed);
        var objects = new List<JsonObject> { KubeObjects.Namespace("default"), KubeObjects.Namespace("kube-system") };
        for (var n = 0; n < shape.Namespaces; n++)
        {
            var ns = $"ns-{n.ToString("D3", CultureInfo.InvariantCulture)}";
            var labels = new Dictionary<string, string> { ["team"] = Pick(random, s_teams) };
            if (random.Next(2) == 0)
            {
                labels["env"] = random.Next(2) == 0 ? "prod" : "dev";
            }

            objects.Add(KubeObjects.Namespace(ns, labels));
            for (var p = 0; p < shape.PodsPerNamespace; p++)
            {
                var app = Pick(random, s_apps);
                var podLabels = new Dictionary<string, string> { ["app"] = app, ["pod-template-hash"] = random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture) };
                var ports = random.Next(3) switch
                {
                    0 => new List<(string?, int)>(),
                    1 => [("http", 8080)],
                    _ => [("http", 8080), ("metrics", 9090)],
                };
                var podName = $"{app}-{p.ToString("D4", CultureInfo.InvariantCulture)}";
                objects.Add(shape.RealisticPods
                    ? KubeObjects.RealisticPod(ns, podName, podLabels, ports, $"{app}-{podLabels["pod-template-hash"]}")
                    : KubeObjects.Pod(ns, podName, podLabels, ports));
            }

            for (var i = 0; i < shape.PoliciesPerNamespace; i++)
            {
                objects.Add(KubeObjects.NetworkPolicy(ns, $"policy-{i.ToString("D3", CultureInfo.InvariantCulture)}", PolicySpec(random, shape.NamedPorts)));
            }

            if (shape.CrdPolicies && random.Next(3) == 0)
            {
                objects.Add(KubeObjects.Custom("cilium.io/v2", "CiliumNetworkPolicy", ns, "cnp-l7", new JsonObject
                {
                    ["endpointSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = Pick(random, s_apps) } },
                    ["ingress"] = new JsonArray(new JsonObject { ["fromEndpoints"] = new JsonArray(new JsonObject()) }),
                }));
            }
        }

        if (shape.CrdPolicies)
        {
            objects.Add(KubeObjects.Custom("cilium.io/v2", "CiliumClusterwideNetworkPolicy", null, "ccnp-baseline", new JsonObject
            {
                ["endpointSelector"] = new JsonObject(),
                ["egress"] = new JsonArray(new JsonObject { ["toEntities"] = new JsonArray("cluster") }),
            }));
            objects.Add(KubeObjects.Custom("projectcalico.org/v3", "GlobalNetworkPolicy", null, "deny-egress", new JsonObject
            {
                ["selector"] = "all()",
                ["types"] = new JsonArray("Egress"),
                ["egress"] = new JsonArray(new JsonObject { ["action"] = "Deny" }),
            }));
            objects.Add(KubeObjects.Custom("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", null, "tenants", new JsonObject
            {
                ["priority"] = random.Next(1, 100),
                ["subject"] = new JsonObject { ["namespaces"] = new JsonObject { ["matchLabels"] = new JsonObject { ["team"] = Pick(random, s_teams) } } },
                ["ingress"] = new JsonArray(new JsonObject { ["action"] = "Allow", ["from"] = new JsonArray(new JsonObject { ["namespaces"] = new JsonObject() }) }),
            }));
        }

        if (shape.EngineDaemonSet is { } engine)
        {
            var daemonSet = KubeObjects.DaemonSet("kube-system", engine, desired: 2, ready: 2);
            daemonSet["spec"]!["template"]!["spec"]!["hostNetwork"] = true;
            objects.Add(daemonSet);
            for (var node = 0; node < 2; node++)
            {
                var pod = KubeObjects.Pod("kube-system", $"{engine}-node{node.ToString(CultureInfo.InvariantCulture)}", new Dictionary<string, string> { ["k8s-app"] = engine }, hostNetwork: true);
                pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "DaemonSet",
                    ["name"] = engine,
                    ["uid"] = $"uid-{engine}",
                    ["controller"] = true,
                });
                objects.Add(pod);
            }
        }

        // In the order the API server lists them (namespace, then name), so file order and list order agree.
        return [.. objects.OrderBy(o => o["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(o => o["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal)];
    }

    private static JsonObject PolicySpec(Random random, bool namedPorts) => random.Next(8) switch
    {
        0 => new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress") },
        1 => new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress", "Egress") },
        2 => new JsonObject { ["podSelector"] = new JsonObject(), ["ingress"] = new JsonArray(new JsonObject()) },
        3 => new JsonObject
        {
            ["podSelector"] = MatchApp(random),
            ["ingress"] = new JsonArray(new JsonObject
            {
                ["from"] = new JsonArray(new JsonObject { ["podSelector"] = MatchApp(random) }),
                ["ports"] = new JsonArray(Port(random, namedPorts)),
            }),
        },
        4 => new JsonObject
        {
            ["podSelector"] = new JsonObject
            {
                ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "app", ["operator"] = "In", ["values"] = new JsonArray(Pick(random, s_apps), Pick(random, s_apps)) }),
            },
            ["policyTypes"] = new JsonArray("Ingress"),
            ["ingress"] = new JsonArray(new JsonObject
            {
                ["from"] = new JsonArray(new JsonObject
                {
                    ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["team"] = Pick(random, s_teams) } },
                    ["podSelector"] = new JsonObject(),
                }),
            }),
        },
        5 => new JsonObject
        {
            ["podSelector"] = MatchApp(random),
            ["policyTypes"] = new JsonArray("Egress"),
            ["egress"] = new JsonArray(new JsonObject
            {
                ["to"] = new JsonArray(new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = "10.0.0.0/8", ["except"] = new JsonArray("10.1.0.0/16") } }),
                ["ports"] = new JsonArray(new JsonObject { ["protocol"] = "TCP", ["port"] = 5432, ["endPort"] = 5440 }),
            }),
        },
        6 => new JsonObject
        {
            ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "does-not-exist" } },
            ["policyTypes"] = new JsonArray("Ingress"),
        },
        _ => new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Egress"), ["egress"] = new JsonArray(new JsonObject()) },
    };

    private static JsonObject MatchApp(Random random) => new() { ["matchLabels"] = new JsonObject { ["app"] = Pick(random, s_apps) } };

    private static JsonObject Port(Random random, bool namedPorts) =>
        namedPorts && random.Next(2) == 0
            ? new JsonObject { ["port"] = "http" }
            : new JsonObject { ["protocol"] = "TCP", ["port"] = 8080 };

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
