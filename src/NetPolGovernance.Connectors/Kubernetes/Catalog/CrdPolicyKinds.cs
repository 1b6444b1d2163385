namespace NetPolGovernance.Connectors.Kubernetes.Catalog;

/// <summary>
/// A CRD (or aggregated API) policy kind the collector lists when its API group version is served.
/// <paramref name="IsCustomResource"/> is false for a kind served by an aggregated API server (no CRD defines it).
/// </summary>
internal sealed record CrdPolicyKind(string Group, string Version, string Plural, string Kind, bool IsCustomResource = true)
{
    public string ApiVersion => $"{Group}/{Version}";

    /// <summary>The resource as kubectl names it, and as its CRD is named: <c>plural.group</c>.</summary>
    public string Resource => $"{Plural}.{Group}";

    /// <summary>Relative to the server URL (no leading slash, so a path in the server URL is kept).</summary>
    public string ListPath => $"apis/{Group}/{Version}/{Plural}";

    public string Describe => $"list {Resource} at cluster scope";
}

/// <summary>
/// The one catalog of CRD policy kinds the scanner reads, and how discovery selects them: the live collector lists
/// them through discovery, the runCommand script (<c>Azure/Access/RunCommandScript</c>) is generated from
/// <see cref="CustomResources"/>. Calico: when the Calico API server serves
/// <c>projectcalico.org/v3</c>, its objects are the same as the <c>crd.projectcalico.org/v1</c> CRDs behind it,
/// so only v3 is read; otherwise the CRD group is read.
/// </summary>
internal static class CrdPolicyKinds
{
    public const string CalicoApiGroup = "projectcalico.org";
    public const string CalicoCrdGroup = "crd.projectcalico.org";

    public static IReadOnlyList<CrdPolicyKind> All { get; } =
    [
        new("cilium.io", "v2", "ciliumnetworkpolicies", "CiliumNetworkPolicy"),
        new("cilium.io", "v2", "ciliumclusterwidenetworkpolicies", "CiliumClusterwideNetworkPolicy"),
        new(CalicoApiGroup, "v3", "networkpolicies", "NetworkPolicy", IsCustomResource: false),
        new(CalicoApiGroup, "v3", "globalnetworkpolicies", "GlobalNetworkPolicy", IsCustomResource: false),
        new(CalicoCrdGroup, "v1", "networkpolicies", "NetworkPolicy"),
        new(CalicoCrdGroup, "v1", "globalnetworkpolicies", "GlobalNetworkPolicy"),
        new("policy.networking.k8s.io", "v1alpha1", "adminnetworkpolicies", "AdminNetworkPolicy"),
        new("policy.networking.k8s.io", "v1alpha1", "baselineadminnetworkpolicies", "BaselineAdminNetworkPolicy"),
        new("policy.networking.k8s.io", "v1alpha2", "clusternetworkpolicies", "ClusterNetworkPolicy"),
    ];

    /// <summary>
    /// The kinds a CRD defines (found with <c>kubectl get crd plural.group</c>). The Calico API server's
    /// <c>projectcalico.org/v3</c> kinds are not among them: the <c>crd.projectcalico.org/v1</c> CRDs behind it hold the same objects.
    /// </summary>
    public static IReadOnlyList<CrdPolicyKind> CustomResources { get; } = [.. All.Where(kind => kind.IsCustomResource)];

    /// <summary>The kinds to list, given the served group versions (<c>group/version</c>) from discovery.</summary>
    public static IReadOnlyList<CrdPolicyKind> ToList(IReadOnlySet<string> servedGroupVersions)
    {
        var calicoApiServed = servedGroupVersions.Contains($"{CalicoApiGroup}/v3");
        return All
            .Where(kind => servedGroupVersions.Contains(kind.ApiVersion))
            .Where(kind => !(calicoApiServed && kind.Group == CalicoCrdGroup))
            .ToList();
    }

    /// <summary>Policy groups that are served, but at none of the versions the collector reads.</summary>
    public static IEnumerable<(string Group, IReadOnlyList<string> Versions)> UnreadableGroups(IReadOnlyDictionary<string, IReadOnlyList<string>> servedGroups)
    {
        foreach (var group in All.Select(k => k.Group).Distinct(StringComparer.Ordinal))
        {
            if (servedGroups.TryGetValue(group, out var versions) && !All.Any(k => k.Group == group && versions.Contains(k.Version)))
            {
                yield return (group, versions);
            }
        }
    }
}
