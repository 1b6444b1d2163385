namespace NetPolGovernance.Simulator.Azure;

/// <summary>
/// What the loopback ARM + Resource Graph server pretends exists: subscriptions, their AKS clusters, management
/// groups, and the faults to inject. Plain data, so a generator (<see cref="AzureFleetGenerator"/>) can describe
/// 1,000 clusters over 50 subscriptions as easily as a test describes three.
/// </summary>
public sealed record AzureFleetDescription
{
    public IReadOnlyList<SimulatedSubscription> Subscriptions { get; init; } = [];

    /// <summary>Management group name → the subscriptions below it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ManagementGroups { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The bearer token the server accepts; anything else gets 401.</summary>
    public string AcceptedToken { get; init; } = "loopback-arm-token";

    /// <summary>
    /// The <c>WWW-Authenticate</c> challenge of a 401; null sends ARM's usual one, naming the first subscription's tenant.
    /// </summary>
    public string? UnauthorizedChallenge { get; init; }

    /// <summary>Resource Graph answers 403 AuthorizationFailed to every query (forces the ARM fallback).</summary>
    public bool ResourceGraphRefused { get; init; }

    /// <summary>When true, refusals (403 on a subscription's clusters) echo the request's Authorization header and a SAS URL, as a careless proxy would.</summary>
    public bool EchoCredentialsInErrors { get; init; }

    /// <summary>The first N Resource Graph requests answer 429 with <see cref="ThrottleRetryAfterSeconds"/>.</summary>
    public int ResourceGraphThrottledRequests { get; init; }

    /// <summary>The first N ARM requests (everything but Resource Graph) answer 429 with <see cref="ThrottleRetryAfterSeconds"/>.</summary>
    public int ArmThrottledRequests { get; init; }

    public int ThrottleRetryAfterSeconds { get; init; } = 1;

    /// <summary>Resource Graph queries per 5 s window reported in <c>x-ms-user-quota-remaining</c> (the documented example is 15).</summary>
    public int ResourceGraphQuotaPerWindow { get; init; } = 15;

    /// <summary>The quota window (the service's is 5 s).</summary>
    public TimeSpan ResourceGraphQuotaWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest page of a managedClusters list; more clusters are reached through nextLink.</summary>
    public int ArmListPageSize { get; init; } = 100;

    /// <summary>Largest Resource Graph page the server will send, whatever <c>$top</c> asks (the service's is 1,000).</summary>
    public int ResourceGraphMaxPageSize { get; init; } = 1000;

    /// <summary>Delay added to every response, to model service latency in benchmarks.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>runCommand: polls answered 202 before the result is ready.</summary>
    public int RunCommandPendingPolls { get; init; } = 1;

    /// <summary>runCommand: the Retry-After (seconds) sent with each 202.</summary>
    public int RunCommandRetryAfterSeconds { get; init; }

    /// <summary>runCommand: the pending poll answers (202) carry no <c>Location</c>; only the POST's 202 names the result URL.</summary>
    public bool RunCommandPollsOmitLocation { get; init; }

    /// <summary>runCommand answers 403 AuthorizationFailed (the identity lacks <c>runcommand/action</c>).</summary>
    public bool RunCommandForbidden { get; init; }

    /// <summary>
    /// Resource Graph answers 400 <c>ResponsePayloadTooLarge</c> to a page asking for more than this many rows (<c>$top</c>);
    /// 0 = never. Models the service's response size cap.
    /// </summary>
    public int ResourceGraphPayloadTooLargeAbove { get; init; }
}

/// <summary>A subscription. <see cref="ClustersForbidden"/>: listed, but its clusters cannot be read (ARM 403, Resource Graph filters them out).</summary>
public sealed record SimulatedSubscription
{
    public required string SubscriptionId { get; init; }

    public string TenantId { get; init; } = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    public string DisplayName { get; init; } = "Simulated subscription";

    public string State { get; init; } = "Enabled";

    public bool ClustersForbidden { get; init; }

    public IReadOnlyList<SimulatedCluster> Clusters { get; init; } = [];
}

/// <summary>An AKS cluster as ARM would describe it. Null network fields are left out of the payload (ARM "not set").</summary>
public sealed record SimulatedCluster
{
    public required string Name { get; init; }

    public string ResourceGroup { get; init; } = "rg1";

    public string Location { get; init; } = "eastus";

    public string KubernetesVersion { get; init; } = "1.33.2";

    public string? NetworkPlugin { get; init; } = "azure";

    public string? NetworkPluginMode { get; init; } = "overlay";

    public string? NetworkPolicy { get; init; } = "cilium";

    public string? NetworkDataplane { get; init; } = "cilium";

    public IReadOnlyList<string> NodePoolOsTypes { get; init; } = ["Linux"];

    /// <summary>
    /// The cluster's answer to a resource-centric Log Analytics query (<c>POST /v1{resourceId}/query</c>): the response
    /// body of its <c>ContainerNetworkLogs</c> connections. Null: the query answers an empty table (no flow logs).
    /// </summary>
    public Func<byte[]>? ContainerNetworkLogs { get; init; }

    /// <summary><c>Running</c>, <c>Stopped</c>, or null (not reported, as in the public examples).</summary>
    public string? PowerState { get; init; } = "Running";

    public string ProvisioningState { get; init; } = "Succeeded";

    public bool PrivateCluster { get; init; }

    public bool EntraEnabled { get; init; } = true;

    public bool AzureRbac { get; init; } = true;

    public bool LocalAccountsDisabled { get; init; }

    public bool RunCommandDisabled { get; init; }

    /// <summary>The API server URL the user kubeconfig points at; default <c>https://{name}-dns.hcp.{location}.azmk8s.io:443</c>.</summary>
    public string? ApiServerUrl { get; init; }

    /// <summary>PEM of the CA the kubeconfig carries (<c>certificate-authority-data</c>); a placeholder when null.</summary>
    public string? CertificateAuthorityPem { get; init; }

    /// <summary>Local-account clusters: the static token in the user kubeconfig.</summary>
    public string LocalAccountToken { get; init; } = "local-account-token";

    /// <summary>What runCommand prints (the <c>logs</c>); null answers with the upstream example's text.</summary>
    public string? RunCommandLogs { get; init; }

    public int RunCommandExitCode { get; init; }

    /// <summary>When set, runCommand ends <c>failed</c> with this reason (e.g. <c>ImagePullBackoff</c>).</summary>
    public string? RunCommandFailureReason { get; init; }

    /// <summary><c>networkProfile.advancedNetworking</c> as JSON (ACNS), or null for none.</summary>
    public string? AdvancedNetworking { get; init; }

    /// <summary>
    /// AKS managed namespaces (<c>managedClusters/managedNamespaces</c>): each built from the upstream list example with
    /// this name, tags and default network policy.
    /// </summary>
    public IReadOnlyList<SimulatedManagedNamespace> ManagedNamespaces { get; init; } = [];

    /// <summary>The cluster's ARM tags; null keeps the upstream example's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The managedNamespaces list answers 403 (the identity lacks managedNamespaces/read).</summary>
    public bool ManagedNamespacesForbidden { get; init; }

    public string ResourceId(string subscriptionId) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.ContainerService/managedClusters/{Name}";
}

/// <summary>An AKS managed namespace: name, ARM tags, and <c>defaultNetworkPolicy</c> ingress/egress (AllowAll, AllowSameNamespace, DenyAll).</summary>
public sealed record SimulatedManagedNamespace(string Name, string Ingress, string Egress)
{
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>Builds large fleets for benchmarks and the fleet simulator.</summary>
public static class AzureFleetGenerator
{
    /// <summary>
    /// <paramref name="clusters"/> clusters spread round-robin over <paramref name="subscriptions"/> subscriptions,
    /// cycling through the common network profiles; every 25th cluster is private, every 40th stopped.
    /// </summary>
    public static AzureFleetDescription Generate(int subscriptions, int clusters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(clusters);
        var perSubscription = Enumerable.Range(0, subscriptions).Select(_ => new List<SimulatedCluster>()).ToArray();
        for (var i = 0; i < clusters; i++)
        {
            var (plugin, mode, policy, dataplane) = (i % 5) switch
            {
                0 => ("azure", "overlay", "cilium", "cilium"),
                1 => ("azure", (string?)null, "azure", (string?)null),
                2 => ("azure", "overlay", "calico", null),
                3 => ("kubenet", null, (string?)null, null),
                _ => ("azure", "overlay", "none", null),
            };
            perSubscription[i % subscriptions].Add(new SimulatedCluster
            {
                Name = $"aks-{i:D5}",
                ResourceGroup = $"rg-{i % 7}",
                NetworkPlugin = plugin,
                NetworkPluginMode = mode,
                NetworkPolicy = policy,
                NetworkDataplane = dataplane,
                PrivateCluster = i % 25 == 24,
                PowerState = i % 40 == 39 ? "Stopped" : "Running",
            });
        }

        return new AzureFleetDescription
        {
            Subscriptions = [.. perSubscription.Select((list, s) => new SimulatedSubscription
            {
                SubscriptionId = $"{s:D8}-0000-4000-8000-{s:D12}",
                DisplayName = $"Simulated subscription {s}",
                Clusters = list,
            })],
        };
    }
}
