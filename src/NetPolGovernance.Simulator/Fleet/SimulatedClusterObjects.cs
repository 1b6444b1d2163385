using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetPolGovernance.Simulator.Kubernetes;

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
    public IEnumerable<JsonObject> SmallObjects() => Namespaces().Concat(Plan.Namespaces.SelectMany(Policies)).Concat(DaemonSets());

    /// <summary>
    /// The small objects a list of <paramref name="resource"/> holds, in the order of <see cref="SmallObjects()"/>:
    /// only the family of objects that can be of its kind is generated (a list of DaemonSets builds no policies).
    /// </summary>
    public IEnumerable<JsonObject> SmallObjects(ApiResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var candidates = resource.Kind switch
        {
            "Namespace" => Namespaces(),
            "DaemonSet" => DaemonSets(),
            _ => Plan.Namespaces.SelectMany(Policies),
        };
        return candidates.Where(o => o["apiVersion"]!.GetValue<string>() == resource.GroupVersion && o["kind"]!.GetValue<string>() == resource.Kind);
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
        var (workload, _, replica) = Workload(ns, offset);
        var hash = TemplateHash(ns.Name, workload);
        return new SimulatedPod(ns.Name, $"{workload}-{hash}-{Suffix(replica)}", workload, hash);
    }

    /// <summary>
    /// Writes a pod as a list item: the pod without kind/apiVersion (as built-in lists carry it) or, with
    /// <paramref name="metadataOnly"/>, a <c>PartialObjectMetadata</c>.
    /// </summary>
    public void WritePod(Utf8JsonWriter writer, int index, bool metadataOnly, long resourceVersion) =>
        WritePods(writer, index, 1, metadataOnly, resourceVersion);

    /// <summary>
    /// Writes pods <c>[offset, offset + count)</c> as list items (see <see cref="WritePod"/>). The JSON of each run of
    /// pods of one workload is encoded once (<see cref="SimulatedPodJson"/>); each pod then costs its suffix and uids.
    /// </summary>
    public void WritePods(Utf8JsonWriter writer, int offset, int count, bool metadataOnly, long resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        NamespacePlan? ns = null;
        SimulatedPodJson? template = null;
        var templateWorkload = -1;
        for (var index = offset; index < offset + count; index++)
        {
            if (ns is null || index >= ns.FirstPod + ns.PodCount)
            {
                (ns, _) = LocatePod(index);
                template = null;
            }

            var (workload, workloadIndex, replica) = Workload(ns, index - ns.FirstPod);
            if (template is null || workloadIndex != templateWorkload)
            {
                template = new SimulatedPodJson(ns.Name, workload, TemplateHash(ns.Name, workload), metadataOnly, resourceVersion, IsCronJob(ns, workloadIndex));
                templateWorkload = workloadIndex;
            }

            template.Write(writer, replica, Uid(index), Uid(-1 - index), index % 3);
        }
    }

    /// <summary>Five characters from the pod-name alphabet, ordered like the replica number (ordinal string order).</summary>
    internal static void WriteSuffix(int replica, Span<byte> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)SuffixAlphabet[replica % SuffixAlphabet.Length];
            replica /= SuffixAlphabet.Length;
        }
    }

    /// <summary>
    /// Whether a workload of a namespace is a CronJob (<see cref="CronJobName"/>): the last one of an application
    /// namespace with three or more. Its pods are owned by a Job and carry the Job's labels; it never fires in the
    /// simulated flow window (<see cref="SimulatedClusterFlows"/>).
    /// </summary>
    public static bool IsCronJob(NamespacePlan ns, int workloadIndex)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Style != PolicyStyle.System && ns.Workloads >= 3 && workloadIndex == ns.Workloads - 1;
    }

    /// <summary>The cluster-wide index and identity of the first pod of workload <paramref name="workloadIndex"/> of <paramref name="ns"/>.</summary>
    public (int Index, SimulatedPod Pod) FirstPodOf(NamespacePlan ns, int workloadIndex)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var index = ns.FirstPod + (ns.Style == PolicyStyle.System ? 0 : WorkloadStart(ns, workloadIndex));
        return (index, Pod(index));
    }

    /// <summary>The name of the CronJob workload of a namespace (see <see cref="IsCronJob"/>).</summary>
    public const string CronJobName = "report";

    /// <summary>The workload a pod belongs to (by its position in its namespace) and its replica number in it.</summary>
    private static (string Name, int Index, int Replica) Workload(NamespacePlan ns, int offset)
    {
        if (ns.Style == PolicyStyle.System)
        {
            return (ns.Name == "calico-system" ? "calico-node" : "coredns", 0, offset);
        }

        var workloadIndex = (int)((long)offset * ns.Workloads / ns.PodCount);
        var name = IsCronJob(ns, workloadIndex) ? CronJobName : SimulatedFleet.WorkloadNames[workloadIndex];
        return (name, workloadIndex, offset - WorkloadStart(ns, workloadIndex));
    }

    private static int WorkloadStart(NamespacePlan ns, int workloadIndex) =>
        (int)(((long)workloadIndex * ns.PodCount + ns.Workloads - 1) / ns.Workloads);

    private IEnumerable<JsonObject> Namespaces()
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
    }

    private static IEnumerable<JsonObject> Policies(NamespacePlan ns)
    {
        var n = ns.Name;
        switch (ns.Style)
        {
            case PolicyStyle.DefaultDeny:
                if (DefaultDenyName(ns) is { } defaultDeny)
                {
                    yield return NetworkPolicy(n, defaultDeny, new JsonObject
                    {
                        ["podSelector"] = new JsonObject(),
                        ["policyTypes"] = new JsonArray("Ingress", "Egress"),
                    });
                }

                var apiPorts = new JsonArray(new JsonObject { ["protocol"] = "TCP", ["port"] = 8080 });
                if (ns.Edit == PolicyEdit.RulesChanged)
                {
                    apiPorts.Add(new JsonObject { ["protocol"] = "TCP", ["port"] = 8443 });
                }

                yield return NetworkPolicy(n, "allow-api-from-namespace", new JsonObject
                {
                    ["podSelector"] = MatchLabels("app", "api"),
                    ["ingress"] = new JsonArray(new JsonObject
                    {
                        ["from"] = new JsonArray(new JsonObject { ["podSelector"] = new JsonObject() }),
                        ["ports"] = apiPorts,
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

    /// <summary>
    /// The name of a default-deny namespace's deny-all policy (<c>default-deny-all</c>; <c>default-deny</c> once renamed),
    /// or null when the namespace has none (not default-deny, or its deny-all was removed).
    /// </summary>
    public static string? DefaultDenyName(NamespacePlan ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Style != PolicyStyle.DefaultDeny ? null : ns.Edit switch
        {
            PolicyEdit.DefaultDenyRemoved => null,
            PolicyEdit.DefaultDenyRenamed => "default-deny",
            _ => "default-deny-all",
        };
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

    private static string Suffix(int replica)
    {
        Span<byte> bytes = stackalloc byte[SimulatedPodJson.SuffixLength];
        WriteSuffix(replica, bytes);
        return Encoding.ASCII.GetString(bytes);
    }

    private Guid Uid(int index)
    {
        var random = new DeterministicRandom(_seed, Plan.Index, index);
        var high = random.Next();
        var low = random.Next();
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, high);
        BitConverter.TryWriteBytes(bytes[8..], low);
        return new Guid(bytes);
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
