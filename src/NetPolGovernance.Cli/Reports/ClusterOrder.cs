using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// The one order of every buffered report: clusters by subscription (clusters without one first), then cluster name,
/// then resource id and kubeconfig context (two clusters may share a name); namespaces by name. All ordinal, so the
/// order does not depend on the culture or on which cluster finished first.
/// </summary>
internal sealed class ClusterOrder : IComparer<ClusterAssessment>
{
    public static ClusterOrder Instance { get; } = new();

    public int Compare(ClusterAssessment? x, ClusterAssessment? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var a = x.Cluster;
        var b = y.Cluster;
        var order = string.CompareOrdinal(a.SubscriptionId ?? string.Empty, b.SubscriptionId ?? string.Empty);
        if (order == 0)
        {
            order = string.CompareOrdinal(a.Name, b.Name);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.ResourceId ?? string.Empty, b.ResourceId ?? string.Empty);
        }

        return order != 0 ? order : string.CompareOrdinal(a.KubeContext ?? string.Empty, b.KubeContext ?? string.Empty);
    }

    /// <summary>The cluster with its namespaces ordered by name.</summary>
    public static ClusterAssessment WithOrderedNamespaces(ClusterAssessment cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster with { Namespaces = [.. cluster.Namespaces.OrderBy(n => n.Name, StringComparer.Ordinal)] };
    }
}
