using k8s;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// Reads one cluster through its Kubernetes API, given a ready connection (server, CA, credential). The AKS
/// collector builds the connection; the live Kubernetes collector does the reading. Like
/// <see cref="ISnapshotCollector"/>, it never throws for cluster faults: it returns an Unknown outcome with the reason.
/// </summary>
public interface IKubernetesClusterReader
{
    Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken);
}
