namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// One REST resource the loopback API server can serve, e.g. <c>networking.k8s.io/v1 networkpolicies</c>.
/// <see cref="Group"/> is empty for the core group.
/// </summary>
internal sealed record ApiResource(string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced)
{
    /// <summary><c>v1</c> for core, <c>group/version</c> otherwise.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>
    /// Built-in kinds (core, apps, networking.k8s.io) are listed without <c>kind</c>/<c>apiVersion</c> on each
    /// item, as the real API server does; custom resources carry them on every item.
    /// </summary>
    public bool IsBuiltIn => Group is "" or "apps" or "networking.k8s.io";

    /// <summary>The path prefix of the group version: <c>/api/v1</c> or <c>/apis/group/version</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}";
}

/// <summary>The resources the loopback server knows. Add a resource here to serve another kind.</summary>
internal static class ApiResources
{
    public static ApiResource Namespaces { get; } = new("", "v1", "namespaces", "namespace", "Namespace", Namespaced: false);

    public static ApiResource Pods { get; } = new("", "v1", "pods", "pod", "Pod", Namespaced: true);

    public static ApiResource ConfigMaps { get; } = new("", "v1", "configmaps", "configmap", "ConfigMap", Namespaced: true);

    public static ApiResource NetworkPolicies { get; } = new("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", Namespaced: true);

    public static ApiResource DaemonSets { get; } = new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", Namespaced: true);

    public static ApiResource Deployments { get; } = new("apps", "v1", "deployments", "deployment", "Deployment", Namespaced: true);

    public static ApiResource CiliumNetworkPolicies { get; } = new("cilium.io", "v2", "ciliumnetworkpolicies", "ciliumnetworkpolicy", "CiliumNetworkPolicy", Namespaced: true);

    public static ApiResource CiliumClusterwideNetworkPolicies { get; } =
        new("cilium.io", "v2", "ciliumclusterwidenetworkpolicies", "ciliumclusterwidenetworkpolicy", "CiliumClusterwideNetworkPolicy", Namespaced: false);

    public static ApiResource CalicoNetworkPolicies { get; } = new("projectcalico.org", "v3", "networkpolicies", "networkpolicy", "NetworkPolicy", Namespaced: true);

    public static ApiResource CalicoGlobalNetworkPolicies { get; } =
        new("projectcalico.org", "v3", "globalnetworkpolicies", "globalnetworkpolicy", "GlobalNetworkPolicy", Namespaced: false);

    public static ApiResource CalicoCrdNetworkPolicies { get; } = new("crd.projectcalico.org", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", Namespaced: true);

    public static ApiResource CalicoCrdGlobalNetworkPolicies { get; } =
        new("crd.projectcalico.org", "v1", "globalnetworkpolicies", "globalnetworkpolicy", "GlobalNetworkPolicy", Namespaced: false);

    public static ApiResource AdminNetworkPolicies { get; } =
        new("policy.networking.k8s.io", "v1alpha1", "adminnetworkpolicies", "adminnetworkpolicy", "AdminNetworkPolicy", Namespaced: false);

    public static ApiResource BaselineAdminNetworkPolicies { get; } =
        new("policy.networking.k8s.io", "v1alpha1", "baselineadminnetworkpolicies", "baselineadminnetworkpolicy", "BaselineAdminNetworkPolicy", Namespaced: false);

    public static ApiResource ClusterNetworkPolicies { get; } =
        new("policy.networking.k8s.io", "v1alpha2", "clusternetworkpolicies", "clusternetworkpolicy", "ClusterNetworkPolicy", Namespaced: false);

    public static IReadOnlyList<ApiResource> All { get; } =
    [
        Namespaces, Pods, ConfigMaps, DaemonSets, Deployments, NetworkPolicies,
        CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies,
        CalicoNetworkPolicies, CalicoGlobalNetworkPolicies, CalicoCrdNetworkPolicies, CalicoCrdGlobalNetworkPolicies,
        AdminNetworkPolicies, BaselineAdminNetworkPolicies, ClusterNetworkPolicies,
    ];

    /// <summary>Groups every cluster serves; any other group is served only when the cluster says so (a CRD is installed).</summary>
    public static IReadOnlySet<string> AlwaysServedGroups { get; } = new HashSet<string>(StringComparer.Ordinal) { "", "apps", "networking.k8s.io" };

    /// <summary>The resource of an object's <c>apiVersion</c> and <c>kind</c>, or null when unknown.</summary>
    public static ApiResource? FindByKind(string apiVersion, string kind)
    {
        foreach (var resource in All)
        {
            if (string.Equals(resource.GroupVersion, apiVersion, StringComparison.Ordinal) && string.Equals(resource.Kind, kind, StringComparison.Ordinal))
            {
                return resource;
            }
        }

        return null;
    }

    /// <summary>The resource served at <c>group/version/plural</c>, or null.</summary>
    public static ApiResource? Find(string group, string version, string plural)
    {
        foreach (var resource in All)
        {
            if (resource.Group == group && resource.Version == version && resource.Plural == plural)
            {
                return resource;
            }
        }

        return null;
    }
}
