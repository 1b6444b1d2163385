using k8s;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>The live Kubernetes collector behind the AKS collector's <see cref="IKubernetesClusterReader"/> seam.</summary>
public sealed class KubernetesLiveReader : IKubernetesClusterReader
{
    private readonly KubernetesSnapshotCollector _collector;

    public KubernetesLiveReader(KubernetesSnapshotCollector collector)
    {
        ArgumentNullException.ThrowIfNull(collector);
        _collector = collector;
    }

    public Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken) =>
        _collector.CollectAsync(configuration, identity, AccessPath.AksEntraToken, cancellationToken);
}
