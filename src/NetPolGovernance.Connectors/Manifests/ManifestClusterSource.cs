using System.Runtime.CompilerServices;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// A scan source over manifests that were already loaded: the inventory holds the one cluster they form, and the
/// collector hands back its snapshot. Loading happens before the scan so that malformed input is a usage error
/// (exit code 1), not an Unknown cluster.
/// </summary>
public sealed class ManifestClusterSource : IClusterInventory, ISnapshotCollector
{
    private readonly ManifestLoadResult _loaded;

    public ManifestClusterSource(ManifestLoadResult loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        _loaded = loaded;
    }

    public async IAsyncEnumerable<ClusterTarget> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ClusterTarget { Identity = _loaded.Snapshot.Cluster };
    }

    public Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        cancellationToken.ThrowIfCancellationRequested();
        var stats = new CollectionStats { ApiCalls = 0, BytesRead = _loaded.BytesRead };
        return Task.FromResult(CollectionOutcome.Read(_loaded.Snapshot, AccessPath.Manifests, stats));
    }
}
