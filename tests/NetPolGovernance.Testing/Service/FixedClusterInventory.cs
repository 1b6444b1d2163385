using System.Runtime.CompilerServices;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Testing.Service;

/// <summary>An inventory of a fixed list of clusters, or one that fails the way Azure refuses a caller.</summary>
public sealed class FixedClusterInventory : IClusterInventory
{
    private readonly IReadOnlyList<ClusterTarget> _targets;
    private readonly Exception? _failure;

    public FixedClusterInventory(IReadOnlyList<ClusterTarget> targets) => _targets = targets;

    private FixedClusterInventory(Exception failure)
    {
        _targets = [];
        _failure = failure;
    }

    public static FixedClusterInventory Failing(Exception failure) => new(failure);

    public async IAsyncEnumerable<ClusterTarget> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (_failure is not null)
        {
            throw _failure;
        }

        foreach (var target in _targets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return target;
        }
    }
}
