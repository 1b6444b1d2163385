namespace NetPolGovernance.Connectors.Scanning;

/// <summary>Enumerates the clusters of a scan scope (kubeconfig contexts, Azure subscriptions, manifests), streaming.</summary>
public interface IClusterInventory
{
    IAsyncEnumerable<ClusterTarget> ListAsync(CancellationToken cancellationToken);
}
