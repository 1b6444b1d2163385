namespace NetPolGovernance.Analysis.Model;

/// <summary>
/// Everything the analysis reads about one cluster, whatever the source (manifests, the live API,
/// runCommand output). Objects are kept exactly as written: nothing here is defaulted.
/// </summary>
public sealed record ClusterSnapshot
{
    public required ClusterIdentity Cluster { get; init; }

    public SnapshotSource Source { get; init; } = SnapshotSource.Manifests;

    public IReadOnlyList<NamespaceInfo> Namespaces { get; init; } = [];

    public IReadOnlyList<PodInfo> Pods { get; init; } = [];

    /// <summary><c>networking.k8s.io/v1</c> NetworkPolicies, as written (not defaulted).</summary>
    public IReadOnlyList<NetworkPolicy> NetworkPolicies { get; init; } = [];

    /// <summary>CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy objects.</summary>
    public IReadOnlyList<CiliumPolicy> CiliumPolicies { get; init; } = [];

    /// <summary>Calico NetworkPolicy and GlobalNetworkPolicy, from either API group.</summary>
    public IReadOnlyList<CalicoPolicy> CalicoPolicies { get; init; } = [];

    /// <summary>AdminNetworkPolicy and BaselineAdminNetworkPolicy objects.</summary>
    public IReadOnlyList<AdminPolicy> AdminPolicies { get; init; } = [];

    /// <summary>The cluster's network profile (ARM or equivalent), when known. Null for manifests.</summary>
    public ClusterNetworkProfile? NetworkProfile { get; init; }

    /// <summary>In-cluster evidence of the running policy engine, when it was collected. Null for manifests.</summary>
    public EngineEvidence? EngineEvidence { get; init; }

    /// <summary>
    /// Policy kinds the collector could not read (for example a forbidden CRD list). Analysis reports them;
    /// it never treats an invisible kind as "no objects".
    /// </summary>
    public IReadOnlyList<InvisibleKind> InvisibleKinds { get; init; } = [];

    /// <summary>Free-form notes from the collector that the report should carry (warnings, truncations).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// Flows observed on the cluster, for the runtime proof (NPG-N13, docs/flows.md); null when no flows were asked for.
    /// </summary>
    public Flows.ClusterFlows? Flows { get; init; }
}

/// <summary>Where a snapshot came from.</summary>
public enum SnapshotSource
{
    Manifests = 1,
    KubernetesApi = 2,
    RunCommand = 3,
}

/// <summary>Who a cluster is. Azure fields are null for clusters that did not come from Azure.</summary>
public sealed record ClusterIdentity
{
    public required string Name { get; init; }

    public string? ResourceId { get; init; }

    public string? SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public string? Location { get; init; }

    public string? AzureTenantId { get; init; }

    public string? KubernetesVersion { get; init; }

    /// <summary>The kubeconfig context the cluster was read through, when it was.</summary>
    public string? KubeContext { get; init; }

    /// <summary>The cluster's ARM tags (the last fallback for a namespace's owner); empty outside Azure.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyLabels.Instance;

    /// <summary>Value equality, the tags compared by content (a record would compare the dictionary's reference).</summary>
    public bool Equals(ClusterIdentity? other) =>
        other is not null
        && Name == other.Name
        && ResourceId == other.ResourceId
        && SubscriptionId == other.SubscriptionId
        && ResourceGroup == other.ResourceGroup
        && Location == other.Location
        && AzureTenantId == other.AzureTenantId
        && KubernetesVersion == other.KubernetesVersion
        && KubeContext == other.KubeContext
        && Tags.Count == other.Tags.Count
        && Tags.All(t => other.Tags.TryGetValue(t.Key, out var value) && value == t.Value);

    public override int GetHashCode() => HashCode.Combine(Name, ResourceId, SubscriptionId, ResourceGroup, Location, AzureTenantId, KubernetesVersion, KubeContext);
}

/// <summary>A policy kind that exists (or may exist) in the cluster but could not be read.</summary>
/// <param name="ApiGroup">For example <c>cilium.io</c>.</param>
/// <param name="Kind">For example <c>CiliumNetworkPolicy</c>.</param>
/// <param name="Reason">Why it was not visible, in words a human can act on.</param>
public sealed record InvisibleKind(string ApiGroup, string Kind, string Reason);

/// <summary>Where an object was written, for SARIF and error messages. Line is 1-based.</summary>
public sealed record SourceLocation(string File, int Line);
