using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Pipeline;

/// <summary>
/// The owner of a namespace, from the first place that names one, key by key in the configured order (default
/// <see cref="DefaultKeys"/>): the namespace's annotations, then its labels; else the tags of its AKS managed namespace;
/// else the tags of its cluster. Azure tag names are case-insensitive, Kubernetes keys are not. Null when none is set
/// (the caller then falls back to the owner of an applying exemption).
/// </summary>
internal static class NamespaceOwner
{
    public const string OwnerKey = "netpolgov.io/owner";

    /// <summary>The keys looked up when none are configured (<c>--owner-key</c>, <c>NETPOLGOV_OWNER_KEYS</c>).</summary>
    public static IReadOnlyList<string> DefaultKeys { get; } = [OwnerKey, "owner", "team"];

    public static OwnerResolution? Resolve(NamespaceInfo ns, ClusterIdentity cluster, IReadOnlyList<string>? keys)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(cluster);
        keys = keys is { Count: > 0 } ? keys : DefaultKeys;
        foreach (var key in keys)
        {
            if (Find(ns.Annotations, key, StringComparer.Ordinal) is { } annotation)
            {
                return new OwnerResolution(annotation, OwnerSources.Annotation + key);
            }

            if (Find(ns.Labels, key, StringComparer.Ordinal) is { } label)
            {
                return new OwnerResolution(label, OwnerSources.Label + key);
            }
        }

        if (ns.AksManaged is { } managed)
        {
            foreach (var key in keys)
            {
                if (Find(managed.Tags, key, StringComparer.OrdinalIgnoreCase) is { } tag)
                {
                    return new OwnerResolution(tag, OwnerSources.ManagedNamespaceTag + key);
                }
            }
        }

        return ClusterResolution(cluster, keys);
    }

    /// <summary>The owner the cluster's tags name (the cluster row's and cluster findings' owner); null when none.</summary>
    public static string? OfCluster(ClusterIdentity cluster, IReadOnlyList<string>? keys)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return ClusterResolution(cluster, keys is { Count: > 0 } ? keys : DefaultKeys)?.Owner;
    }

    private static OwnerResolution? ClusterResolution(ClusterIdentity cluster, IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            if (Find(cluster.Tags, key, StringComparer.OrdinalIgnoreCase) is { } tag)
            {
                return new OwnerResolution(tag, OwnerSources.ClusterTag + key);
            }
        }

        return null;
    }

    private static string? Find(IReadOnlyDictionary<string, string> map, string key, StringComparer comparer)
    {
        if (map.TryGetValue(key, out var exact))
        {
            return string.IsNullOrWhiteSpace(exact) ? null : exact.Trim();
        }

        if (comparer == StringComparer.Ordinal)
        {
            return null;
        }

        foreach (var (name, value) in map)
        {
            if (comparer.Equals(name, key) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}

/// <summary>An owner and where it came from (<see cref="OwnerSources"/> prefix plus the key).</summary>
internal sealed record OwnerResolution(string Owner, string Source);

/// <summary>
/// Where a namespace's owner was found, as written in reports and the <c>OwnerSource</c> column: a prefix and the key,
/// for example <c>label:team</c>, <c>managed-namespace-tag:owner</c>, <c>cluster-tag:owner</c>, or <c>exemption</c>.
/// </summary>
public static class OwnerSources
{
    public const string Annotation = "annotation:";

    public const string Label = "label:";

    public const string ManagedNamespaceTag = "managed-namespace-tag:";

    public const string ClusterTag = "cluster-tag:";

    public const string Exemption = "exemption";
}
