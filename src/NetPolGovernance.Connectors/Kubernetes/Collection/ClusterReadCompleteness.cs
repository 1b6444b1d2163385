using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>
/// Whether a cluster snapshot read from an API server (or through runCommand) can be a whole cluster: every cluster
/// has the namespaces <c>default</c> and <c>kube-system</c> (the API server creates them and refuses to delete them),
/// so a namespace list without them is not a cluster read, whatever the server answered. Such a read is Unknown,
/// never "namespaces: 0, compliant".
/// </summary>
internal static class ClusterReadCompleteness
{
    /// <summary>The namespaces every cluster has.</summary>
    public static IReadOnlyList<string> RequiredNamespaces { get; } = ["default", "kube-system"];

    /// <summary>Why the snapshot is not a whole cluster, or null when it may be.</summary>
    public static string? Problem(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Namespaces.Count == 0)
        {
            return "incomplete read: the API server listed no namespaces at all, but every cluster has default and kube-system; the answer is not a cluster's (check the server URL, a proxy in between, or the account's view of the cluster)";
        }

        var names = snapshot.Namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var missing = RequiredNamespaces.Where(n => !names.Contains(n)).ToList();
        return missing.Count == 0
            ? null
            : $"incomplete read: the namespace list has no {string.Join(" and ", missing)}, which every cluster has; the list is not the whole cluster (check the server URL or a proxy in between)";
    }
}

/// <summary>A read that answered, but not with a whole cluster (a 404 on a core list, a namespace list without <c>default</c>).</summary>
internal sealed class IncompleteClusterReadException : Exception
{
    public IncompleteClusterReadException(string message)
        : base(message)
    {
    }

    public IncompleteClusterReadException()
    {
    }

    public IncompleteClusterReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
