using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// One cluster hosted by a <see cref="LoopbackKubernetesApiServer"/>, reachable at its own
/// <see cref="ServerUrl"/> (<c>https://127.0.0.1:port/clusters/{id}</c>). It has its own objects, bearer
/// token, served API groups, latency, fault plan and traffic counters.
/// </summary>
internal sealed class VirtualCluster
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _extraGroups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hiddenGroups = new(StringComparer.Ordinal);
    private readonly string _caPem;

    internal VirtualCluster(string id, Uri serverUrl, string caPem, string token, KubeObjectStore objects)
    {
        Id = id;
        ServerUrl = serverUrl;
        _caPem = caPem;
        Token = token;
        Objects = objects;
    }

    public string Id { get; }

    /// <summary>The API server URL of this cluster (a path below the shared listener).</summary>
    public Uri ServerUrl { get; }

    /// <summary>The bearer token the cluster accepts; any other gets 401.</summary>
    public string Token { get; set; }

    public KubeObjectStore Objects { get; }

    /// <summary>
    /// Lists generated on demand instead of stored (the fleet simulator); null serves everything from <see cref="Objects"/>.
    /// </summary>
    public IGeneratedObjects? Generated { get; set; }

    public KubeFaultPlan Faults { get; } = new();

    public ClusterTraffic Traffic { get; } = new();

    /// <summary>Added to every call (a fleet of clusters 20 ms away, for example).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The <c>gitVersion</c> reported by <c>/version</c>.</summary>
    public string KubernetesVersion { get; set; } = "v1.31.2";

    /// <summary>
    /// The API groups this cluster serves: core, apps and networking.k8s.io always; a CRD group when it was
    /// marked served with <see cref="ServeGroup"/> or when the store holds objects of it (unless hidden).
    /// </summary>
    public IReadOnlySet<string> ServedGroups
    {
        get
        {
            var groups = new HashSet<string>(ApiResources.AlwaysServedGroups, StringComparer.Ordinal);
            lock (_gate)
            {
                groups.UnionWith(_extraGroups);
                groups.UnionWith(Objects.GroupsWithObjects());
                groups.ExceptWith(_hiddenGroups);
            }

            return groups;
        }
    }

    /// <summary>Serves a CRD group even with no objects in it (the CRDs are installed, nothing was created).</summary>
    public VirtualCluster ServeGroup(string group)
    {
        lock (_gate)
        {
            _hiddenGroups.Remove(group);
            _extraGroups.Add(group);
        }

        return this;
    }

    /// <summary>Stops serving a group even when objects of it are stored (the CRD or aggregated API is gone).</summary>
    public VirtualCluster HideGroup(string group)
    {
        lock (_gate)
        {
            _extraGroups.Remove(group);
            _hiddenGroups.Add(group);
        }

        return this;
    }

    public VirtualCluster Add(params JsonObject[] objects)
    {
        Objects.AddRange(objects);
        return this;
    }

    /// <summary>This cluster as one kubeconfig context (named after the cluster unless given a name).</summary>
    public KubeconfigContext ToKubeconfigContext(string? contextName = null, KubeconfigUserKind userKind = KubeconfigUserKind.Token) =>
        new(contextName ?? Id, ServerUrl, _caPem, Token) { UserKind = userKind };

    /// <summary>A kubeconfig with this cluster as its only (and current) context.</summary>
    public string Kubeconfig(string? contextName = null, KubeconfigUserKind userKind = KubeconfigUserKind.Token) =>
        KubeconfigBuilder.Build([ToKubeconfigContext(contextName, userKind)]);

    /// <summary>A KubernetesClient configuration for this cluster (server, CA, token), as built from AKS credentials.</summary>
    public KubernetesClientConfiguration CreateClientConfiguration()
    {
        var ca = X509Certificate2.CreateFromPem(_caPem);
        return new KubernetesClientConfiguration
        {
            Host = ServerUrl.AbsoluteUri,
            SslCaCerts = [ca],
            AccessToken = Token,
        };
    }
}
