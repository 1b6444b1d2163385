using k8s;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Testing.Service;

/// <summary>A live reader that never reaches a cluster (for compositions whose clusters are read through runCommand).</summary>
public sealed class UnreachableClusterReader : IKubernetesClusterReader
{
    public int Calls { get; private set; }

    public Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(CollectionOutcome.Unknown("unreachable: no live API access in this test", AccessPath.AksEntraToken, CollectionStats.None));
    }
}
