using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Service;

/// <summary>
/// What one scan covers: the whole fleet, one subscription or one cluster (by ARM resource id or name).
/// On-demand scans list the inventory and keep the targets in scope.
/// </summary>
public sealed record ScanScope
{
    public static ScanScope Fleet { get; } = new();

    public string? SubscriptionId { get; init; }

    public string? ClusterResourceId { get; init; }

    public string? ClusterName { get; init; }

    /// <summary>
    /// The scope of an on-demand scan: at least one of a subscription id (GUID), a cluster ARM resource id or a cluster
    /// name. A <see cref="FormatException"/> says what is missing or malformed.
    /// </summary>
    public static ScanScope OnDemand(string? subscriptionId, string? clusterResourceId, string? clusterName)
    {
        subscriptionId = string.IsNullOrWhiteSpace(subscriptionId) ? null : subscriptionId.Trim();
        clusterResourceId = string.IsNullOrWhiteSpace(clusterResourceId) ? null : clusterResourceId.Trim();
        clusterName = string.IsNullOrWhiteSpace(clusterName) ? null : clusterName.Trim();
        if (subscriptionId is null && clusterResourceId is null && clusterName is null)
        {
            throw new FormatException("Name what to scan: subscriptionId, clusterResourceId or clusterName.");
        }

        if (subscriptionId is not null && !Guid.TryParse(subscriptionId, out _))
        {
            throw new FormatException($"subscriptionId '{subscriptionId}' is not a subscription id (GUID).");
        }

        if (clusterResourceId is not null
            && (!clusterResourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)
                || !clusterResourceId.Contains("/providers/Microsoft.ContainerService/managedClusters/", StringComparison.OrdinalIgnoreCase)))
        {
            throw new FormatException($"clusterResourceId '{clusterResourceId}' is not an AKS resource id (/subscriptions/.../providers/Microsoft.ContainerService/managedClusters/<name>).");
        }

        return new ScanScope { SubscriptionId = subscriptionId, ClusterResourceId = clusterResourceId, ClusterName = clusterName };
    }

    public bool IsFleet => SubscriptionId is null && ClusterResourceId is null && ClusterName is null;

    /// <summary>The scan lock this scope holds: one fleet scan at a time, one scan per subscription or cluster at a time.</summary>
    public string LockName =>
        IsFleet ? "fleet" : "scope-" + ClusterKeys.For(new Analysis.Model.ClusterIdentity
        {
            Name = ClusterName ?? "scope",
            ResourceId = $"{SubscriptionId}|{ClusterResourceId}|{ClusterName}",
        });

    public bool Includes(ClusterTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var identity = target.Identity;
        return (SubscriptionId is null || string.Equals(identity.SubscriptionId, SubscriptionId, StringComparison.OrdinalIgnoreCase))
            && (ClusterResourceId is null || string.Equals(identity.ResourceId, ClusterResourceId, StringComparison.OrdinalIgnoreCase))
            && (ClusterName is null || string.Equals(identity.Name, ClusterName, StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() =>
        IsFleet ? "fleet" : string.Join(' ', new[] { ("subscription", SubscriptionId), ("cluster", ClusterResourceId), ("name", ClusterName) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));
}
