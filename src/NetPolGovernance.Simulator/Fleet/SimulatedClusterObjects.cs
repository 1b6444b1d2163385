using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// The Kubernetes objects of one simulated cluster, generated from its plan. The few hundred small objects
/// (namespaces, policies, DaemonSets) come as wire JSON; pods are generated one at a time by cluster-wide index, in
/// the order the API server lists them (namespace, then name), so a page of pods costs only that page.
/// </summary>
internal sealed class SimulatedClusterObjects
{
    private const string SuffixAlphabet = "2456789bcdfghjklmnpqrstvwxz";
    private static readonly DateTimeOffset s_created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly int _seed;
    private readonly int[] _namespaceStarts;

    public SimulatedClusterObjects(SimulatedClusterPlan plan, int seed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        _seed = seed;
        _namespaceStarts = [.. plan.Namespaces.Select(n => n.FirstPod)];
    }

    public SimulatedClusterPlan Plan { get; }

    public int PodCount => Plan.PodCount;

    /// <summary>API groups of CRD policy kinds the cluster serves (its engine's CRDs are installed).</summary>
    public IReadOnlyList<string> CrdGroups => Plan.Engine switch
    {
        SimulatedEngine.Cilium => ["cilium.io"],
        SimulatedEngine.Calico => ["projectcalico.org", "crd.projectcalico.org"],
        _ => [],
    };

    /// <summary>Namespaces, NetworkPolicies, CRD policies and DaemonSets: everything but pods.</summary>
    public IEnumerable<JsonObject> SmallObjects()
    {
        foreach (var ns in Plan.Namespaces)
        {
            var labels = new JsonObject();
            if (ns.Style != PolicyStyle.System)
            {
                labels["team"] = ns.Name.Split('-')[0];
                labels["env"] = ns.Name.Split('-')[1];
            }

            yield return Wire("v1", "Namespace", null, ns.Name, null, labels);
        }

        foreach (var ns in Plan.Namespaces)
        {
            foreach (var policy in Policies(ns))
            {
                yield return policy;
            }
        }

        foreach (var daemonSet in DaemonSets())
        {
            yield return daemonSet;
        }
    }

    /// <summary>The namespace plan holding pod <paramref name="index"/> and the pod's position in it.</summary>
    public (NamespacePlan Namespace, int Offset) LocatePod(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PodCount);
        var position = Array.BinarySearch(_namespaceStarts, index);
        if (position < 0)
        {
            position = ~position - 1;
        }

        // Namespaces without pods share a start with the next one: move to the one that holds the pod.
        while (Plan.Namespaces[position].PodCount == 0 || index >= Plan.Namespaces[position].FirstPod + Plan.Namespaces[position].PodCount)
        {
            position++;
        }

        var ns = Plan.Namespaces[position];
        return (ns, index - ns.FirstPod);
    }

    /// <summary>The pod at a cluster-wide index: namespace, name, workload label and template hash.</summary>
    public SimulatedPod Pod(int index)
    {
        var (ns, offset) = LocatePod(index);
        string workload;
        int replica;
        if (ns.Style == PolicyStyle.System)
        {
            workload = ns.Name == "calico-system" ? "calico-node" : "coredns";
            replica = offset;
        }
        else
        {
            var workloadIndex = (int)((long)offset * ns.Workloads / ns.PodCount);
            var workloadStart = (int)(((long)workloadIndex * ns.PodCount + ns.Workloads - 1) / ns.Workloads);
            workload = SimulatedFleet.WorkloadNames[workloadIndex];
            replica = offset - workloadStart;
        }

        var hash = TemplateHash(ns.Name, workload);
        return new SimulatedPod(ns.Name, $"{workload}-{hash}-{Suffix(replica)}", workload, hash);
    }

    /// <summary>
    /// Writes a pod as a list item: the pod without kind/apiVersion (as built-in lists carry it) or, with
    /// <paramref name="metadataOnly"/>, a <c>PartialObjectMetadata</c>.
    /// </summary>
    public void WritePod(Utf8JsonWriter writer, int index, bool metadataOnly, long resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var pod = Pod(index);
        writer.WriteStartObject();
        if (metadataOnly)
        {
            writer.WriteString("kind"u8, "PartialObjectMetadata");
            writer.WriteString("apiVersion"u8, "meta.k8s.io/v1");
        }

        writer.WritePropertyName("metadata"u8);

        writer.WriteStartObject();
        writer.WriteString("name"u8, pod.Name);
        writer.WriteString("generateName"u8, pod.Name[..^5]);
        writer.WriteString("namespace"u8, pod.Namespace);
        writer.WriteString("uid"u8, Uid(index));
        writer.WriteString("resourceVersion"u8, resourceVersion.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("creationTimestamp"u8, "2026-01-01T00:00:00Z");
        writer.WriteStartObject("labels"u8);
        writer.WriteString(pod.Workload is "coredns" ? "k8s-app"u8 : "app"u8, pod.Workload is "coredns" ? "kube-dns" : pod.Workload);
        writer.WriteString("pod-template-hash"u8, pod.TemplateHash);
        writer.WriteEndObject();
        writer.WriteStartArray("ownerReferences"u8);
        writer.WriteStartObject();
        writer.WriteString("apiVersion"u8, "apps/v1");
        writer.WriteString("kind"u8, pod.Workload == "calico-node" ? "DaemonSet" : "ReplicaSet");
        writer.WriteString("name"u8, pod.Workload == "calico-node" ? pod.Workload : $"{pod.Workload}-{pod.TemplateHash}");
        writer.WriteString("uid"u8, Uid(-1 - index));
        writer.WriteBoolean("controller"u8, true);
        writer.WriteBoolean("blockOwnerDeletion"u8, true);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        if (metadataOnly)
        {
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject("spec"u8);
        writer.WriteStartArray("containers"u8);
        writer.WriteStartObject();
        writer.WriteString("name"u8, pod.Workload);
        writer.WriteString("image"u8, $"registry.example/{pod.Workload}:1.4.2");
        writer.WriteStartArray("ports"u8);
        writer.WriteStartObject();
        writer.WriteString("name"u8, "http");
        writer.WriteNumber("containerPort"u8, 8080);
        writer.WriteString("protocol"u8, "TCP");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("nodeName"u8, "aks-nodepool1-12345678-vmss00000" + (index % 3).ToString(CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        writer.WriteStartObject("status"u8);
        writer.WriteString("phase"u8, "Running");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static IEnumerable<JsonObject> Policies(NamespacePlan ns)
    {
        var n = ns.Name;
        switch (ns.Style)
        {
            case PolicyStyle.DefaultDeny:
                yield return NetworkPolicy(n, "default-deny-all", new JsonObject
                {
                    ["podSelector"] = new JsonObject(),
                    ["policyTypes"] = new JsonArray("Ingress", "Egress"),
                });
                yield return NetworkPolicy(n, "allow-api-from-namespace", new JsonObject
                {
                    ["podSelector"] = MatchLabels("app", "api"),
                    ["ingress"] = new JsonArray(new JsonObject
                    {
                        ["from"] = new JsonArray(new JsonObject { ["podSelector"] = new JsonObject() }),
                        ["ports"] = new JsonArray(new JsonObject { ["protocol"] = "TCP", ["port"] = 8080 }),
                    }),
                    ["policyTypes"] = new JsonArray("Ingress"),
                });
                yield return NetworkPolicy(n, "allow-dns-egress", new JsonObject
                {
                    ["podSelector"] = new JsonObject(),
                    ["egress"] = new JsonArray(new JsonObject
                    {
                        ["to"] = new JsonArray(new JsonObject { ["namespaceSelector"] = MatchLabels("kubernetes.io/metadata.name", "kube-system") }),
                        ["ports"] = new JsonArray(new JsonObject { ["protocol"] = "UDP", ["port"] = 53 }),
                    }),
                    ["policyTypes"] = new JsonArray("Egress"),
                });
                break;
            case PolicyStyle.AllowAll:
                yield return NetworkPolicy(n, "allow-all", new JsonObject
                {
                    ["podSelector"] = new JsonObject(),
                    ["ingress"] = new JsonArray(new JsonObject()),
                    ["policyTypes"] = new JsonArray("Ingress"),
                });
                break;
            case PolicyStyle.Dead:
                yield return NetworkPolicy(n, "legacy-frontend", new JsonObject
                {
                    ["podSelector"] = MatchLabels("app", "legacy-frontend"),
                    ["policyTypes"] = new JsonArray("Ingress"),
                });
                break;
            case PolicyStyle.Partial:
                yield return NetworkPolicy(n, "api-ingress", new JsonObject
                {
                    ["podSelector"] = MatchLabels("app", "api"),
                    ["ingress"] = new JsonArray(new JsonObject
                    {
                        ["from"] = new JsonArray(new JsonObject { ["namespaceSelector"] = MatchLabels("team", n.Split('-')[0]) }),
                    }),
                    ["policyTypes"] = new JsonArray("Ingress"),
                });
                break;
            case PolicyStyle.CiliumCrd:
                yield return Wire("cilium.io/v2", "CiliumNetworkPolicy", n, "default-deny", new JsonObject
                {
                    ["endpointSelector"] = new JsonObject(),
                    ["ingress"] = new JsonArray(new JsonObject { ["fromEndpoints"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "api" } }) }),
                });
                break;
            case PolicyStyle.CalicoCrd:
                yield return Wire("projectcalico.org/v3", "NetworkPolicy", n, "default-deny", new JsonObject
                {
                    ["selector"] = "all()",
                    ["types"] = new JsonArray("Ingress", "Egress"),
                });
                break;
            default:
                break;
        }
    }

    private IEnumerable<JsonObject> DaemonSets()
    {
        yield return DaemonSet("kube-system", "kube-proxy", 3, 3);
        yield return DaemonSet("kube-system", "cloud-node-manager", 3, 3);
        var ready = Plan.EngineReady ? 3 : 0;
        switch (Plan.Engine)
        {
            case SimulatedEngine.Azure:
                yield return DaemonSet("kube-system", "azure-npm", 3, ready);
                break;
            case SimulatedEngine.Calico:
                yield return DaemonSet("calico-system", "calico-node", 3, ready);
                break;
            case SimulatedEngine.Cilium:
                yield return DaemonSet("kube-system", "cilium", 3, ready);
                break;
            default:
                break;
        }
    }

    private static JsonObject NetworkPolicy(string ns, string name, JsonObject spec) =>
        Wire("networking.k8s.io/v1", "NetworkPolicy", ns, name, spec);

    private static JsonObject DaemonSet(string ns, string name, int desired, int ready)
    {
        var obj = Wire("apps/v1", "DaemonSet", ns, name, new JsonObject
        {
            ["selector"] = MatchLabels("k8s-app", name),
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["k8s-app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = $"mcr.microsoft.com/oss/{name}:1.0" }) },
            },
        }, new JsonObject { ["k8s-app"] = name });
        obj["status"] = new JsonObject
        {
            ["desiredNumberScheduled"] = desired,
            ["currentNumberScheduled"] = desired,
            ["numberReady"] = ready,
            ["numberAvailable"] = ready,
            ["updatedNumberScheduled"] = desired,
            ["numberMisscheduled"] = 0,
        };
        return obj;
    }

    private static JsonObject MatchLabels(string key, string value) =>
        new() { ["matchLabels"] = new JsonObject { [key] = value } };

    private static JsonObject Wire(string apiVersion, string kind, string? ns, string name, JsonObject? spec, JsonObject? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is { Count: > 0 })
        {
            metadata["labels"] = labels;
        }

        metadata["creationTimestamp"] = s_created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        if (spec is not null)
        {
            obj["spec"] = spec;
        }

        return obj;
    }

    private string TemplateHash(string ns, string workload)
    {
        var random = new DeterministicRandom(_seed, Plan.Index, StableHash(ns + "/" + workload));
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = SuffixAlphabet[(int)(random.Next() % (ulong)SuffixAlphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>Five characters from the pod-name alphabet, ordered like the replica number (ordinal string order).</summary>
    private static string Suffix(int replica)
    {
        Span<char> chars = stackalloc char[5];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = SuffixAlphabet[replica % SuffixAlphabet.Length];
            replica /= SuffixAlphabet.Length;
        }

        return new string(chars);
    }

    private string Uid(int index)
    {
        var random = new DeterministicRandom(_seed, Plan.Index, index);
        var high = random.Next();
        var low = random.Next();
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, high);
        BitConverter.TryWriteBytes(bytes[8..], low);
        return new Guid(bytes).ToString();
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}

/// <summary>A generated pod's identity: <c>{workload}-{templateHash}-{suffix}</c>, labelled <c>app={workload}</c>.</summary>
internal sealed record SimulatedPod(string Namespace, string Name, string Workload, string TemplateHash);
