using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// One process serving a whole simulated AKS fleet over HTTPS on loopback: Resource Graph and ARM (the
/// <see cref="AzureLoopbackServer"/>) and one virtual Kubernetes API server per running cluster (hosted by one
/// <see cref="LoopbackKubernetesApiServer"/>). Objects are generated per request from (seed, cluster index), so a
/// 1,000-cluster fleet of 25 million pods costs a few kilobytes per cluster. Stopped clusters have no API server;
/// private clusters have one, but ARM gives a private FQDN for it (the scanner takes the runCommand path).
/// </summary>
internal sealed class FleetSimulator : IAsyncDisposable
{
    private FleetSimulator(SimulatedFleet fleet, LoopbackKubernetesApiServer kubernetes, AzureLoopbackServer azure, string token)
    {
        Fleet = fleet;
        Kubernetes = kubernetes;
        Azure = azure;
        Token = token;
    }

    public SimulatedFleet Fleet { get; }

    public LoopbackKubernetesApiServer Kubernetes { get; }

    public AzureLoopbackServer Azure { get; }

    /// <summary>
    /// The one bearer token every simulated endpoint accepts (ARM, Resource Graph, every cluster): what a
    /// <c>StaticTokenCredential</c> in the scanner must hand out. Random per simulator; it never leaves the machine.
    /// </summary>
    public string Token { get; }

    public static async Task<FleetSimulator> StartAsync(FleetSimulationOptions options, CancellationToken cancellationToken)
    {
        var fleet = new SimulatedFleet(options);
        var token = "sim-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var kubernetes = await LoopbackKubernetesApiServer.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var subscriptions = Enumerable.Range(0, options.SubscriptionCount).Select(_ => new List<SimulatedCluster>()).ToArray();
            foreach (var plan in fleet.Clusters)
            {
                VirtualCluster? cluster = null;
                if (!plan.Stopped)
                {
                    // The fleet generates its lists (its system namespaces included); the store only takes writes.
                    cluster = kubernetes.AddCluster(plan.Name, new KubeObjectStore(plan.Name), token);
                    Configure(cluster, plan, options);
                }

                subscriptions[plan.SubscriptionIndex].Add(ArmCluster(plan, cluster, kubernetes.CaPem, token, options.Seed));
            }

            var description = new AzureFleetDescription
            {
                AcceptedToken = token,
                Latency = options.Latency,
                Subscriptions = [.. subscriptions.Select((clusters, i) => new SimulatedSubscription
                {
                    SubscriptionId = SimulatedFleet.SubscriptionId(i),
                    DisplayName = $"Simulated subscription {i}",
                    Clusters = clusters,
                })],
                RunCommandPendingPolls = 1,
            };
            var azure = await AzureLoopbackServer.StartAsync(description, cancellationToken).ConfigureAwait(false);
            return new FleetSimulator(fleet, kubernetes, azure, token);
        }
        catch
        {
            await kubernetes.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The virtual API server of a cluster, or null for a stopped cluster.</summary>
    public VirtualCluster? Cluster(string name) =>
        Fleet.IndexOf(name) is >= 0 and var index && !Fleet.Cluster(index).Stopped ? Kubernetes[name] : null;

    /// <summary>
    /// A kubeconfig with one context per reachable cluster (running and public), named after the cluster: what a
    /// person with access to every cluster would have. The first context is current.
    /// </summary>
    public string Kubeconfig() =>
        Kubernetes.Kubeconfig(Fleet.Clusters.Where(p => !p.Stopped && !p.Private).Select(p => Kubernetes[p.Name]));

    /// <summary>
    /// Writes the flows of every cluster that has flow logs (<see cref="SimulatedClusterFlows.HasFlowLogs"/>) as Hubble
    /// JSON lines, one <c>{cluster}.jsonl</c> per cluster in <paramref name="directory"/> (created if missing). The same
    /// seed writes the same bytes. Returns the files written, in cluster order.
    /// </summary>
    public static IReadOnlyList<string> WriteHubbleFlows(SimulatedFleet fleet, string directory)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var plan in fleet.Clusters.Where(SimulatedClusterFlows.HasFlowLogs))
        {
            var path = Path.Combine(directory, plan.Name + ".jsonl");
            using (var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" })
            {
                SimulatedClusterFlows.For(plan, fleet.Options.Seed).WriteHubble(writer);
            }

            files.Add(path);
        }

        return files;
    }

    public async ValueTask DisposeAsync()
    {
        await Azure.DisposeAsync().ConfigureAwait(false);
        await Kubernetes.DisposeAsync().ConfigureAwait(false);
    }

    private static void Configure(VirtualCluster cluster, SimulatedClusterPlan plan, FleetSimulationOptions options)
    {
        var objects = new SimulatedClusterObjects(plan, options.Seed);
        cluster.Generated = new SimulatedClusterSource(objects);
        cluster.Latency = options.Latency;
        cluster.Traffic.RecordRequests = false;
        foreach (var group in objects.CrdGroups)
        {
            cluster.ServeGroup(group);
        }

        if (plan.Hostile is { } hostile)
        {
            cluster.Faults.Add(KubeFault.Hostile(hostile), HostileResponses.MatchFor(hostile));
        }

        switch (plan.Fault)
        {
            case SimulatedFault.Throttled:
                cluster.Faults.Add(KubeFault.TooManyRequests(TimeSpan.FromSeconds(1)), KubeRequestMatch.Resource("pods"), times: 1);
                break;
            case SimulatedFault.ForbiddenCrd:
                var crd = objects.CrdGroups.Count > 0 ? objects.CrdGroups[0] : "cilium.io";
                cluster.ServeGroup(crd);
                cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Group(crd));
                break;
            case SimulatedFault.Unauthorized:
                cluster.Faults.Add(KubeFault.Unauthorized());
                break;
            case SimulatedFault.ExpiredContinue:
                cluster.Faults.Add(KubeFault.Gone(), KubeRequestMatch.ContinuedLists, times: 1);
                break;
            default:
                break;
        }
    }

    private static SimulatedCluster ArmCluster(SimulatedClusterPlan plan, VirtualCluster? cluster, string caPem, string token, int seed)
    {
        var (plugin, mode, policy, dataplane) = plan.Engine switch
        {
            SimulatedEngine.Azure => ("azure", (string?)null, (string?)"azure", (string?)null),
            SimulatedEngine.Calico => ("azure", "overlay", "calico", null),
            SimulatedEngine.Cilium => ("azure", "overlay", "cilium", "cilium"),
            _ => ("azure", "overlay", plan.Index % 2 == 0 ? "none" : null, null),
        };
        return new SimulatedCluster
        {
            Name = plan.Name,
            ResourceGroup = plan.ResourceGroup,
            Location = plan.Location,
            NetworkPlugin = plugin,
            NetworkPluginMode = mode,
            NetworkPolicy = policy,
            NetworkDataplane = dataplane,
            PowerState = plan.Stopped ? "Stopped" : "Running",
            PrivateCluster = plan.Private,
            EntraEnabled = true,
            ApiServerUrl = plan.Private || cluster is null
                ? $"https://{plan.Name}-priv.privatelink.{plan.Location}.azmk8s.io:443"
                : cluster.ServerUrl.AbsoluteUri,
            CertificateAuthorityPem = caPem,
            LocalAccountToken = token,
            RunCommandLogs = plan.Private ? RunCommandLogs(plan, seed) : null,
            ContainerNetworkLogs = SimulatedClusterFlows.HasFlowLogs(plan) ? () => SimulatedClusterFlows.For(plan, seed).QueryAnswer() : null,
        };
    }

    /// <summary>
    /// What the scanner's runCommand read script prints for a private cluster: namespaces, pods, NetworkPolicies and
    /// engine DaemonSets (CRD policies are not simulated on this path). Built once at start, for private clusters only.
    /// </summary>
    private static string RunCommandLogs(SimulatedClusterPlan plan, int seed)
    {
        var objects = new SimulatedClusterObjects(plan, seed);
        var output = new RunCommandOutputBuilder();
        foreach (var obj in objects.SmallObjects())
        {
            var metadata = obj["metadata"]!.AsObject();
            var name = metadata["name"]!.GetValue<string>();
            switch (obj["kind"]!.GetValue<string>())
            {
                case "Namespace":
                    var labels = metadata["labels"] is JsonObject l ? l.Select(p => (p.Key, p.Value!.GetValue<string>())).ToArray() : [];
                    output.Namespace(name, labels);
                    break;
                case "NetworkPolicy" when obj["apiVersion"]!.GetValue<string>() == "networking.k8s.io/v1":
                    output.NetworkPolicy(metadata["namespace"]!.GetValue<string>(), name, obj["spec"]!.DeepClone().AsObject());
                    break;
                case "DaemonSet":
                    var status = obj["status"]!;
                    output.EngineDaemonSet(metadata["namespace"]!.GetValue<string>(), name, status["desiredNumberScheduled"]!.GetValue<int>(), status["numberReady"]!.GetValue<int>());
                    break;
                default:
                    break;
            }
        }

        for (var i = 0; i < objects.PodCount; i++)
        {
            var pod = objects.Pod(i);
            output.Pod(pod.Namespace, pod.Name, (pod.Workload is "coredns" ? "k8s-app" : "app", pod.Workload is "coredns" ? "kube-dns" : pod.Workload), ("pod-template-hash", pod.TemplateHash));
        }

        return output.Build();
    }
}
