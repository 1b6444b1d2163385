using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Testing.Service;

/// <summary>
/// A collector that returns a snapshot built per cluster name, or Unknown for the clusters named as unreadable
/// (the way a real collector reports a 403 or a timeout). Counts calls per cluster.
/// </summary>
public sealed class ScriptedSnapshotCollector : ISnapshotCollector
{
    private readonly Func<ClusterTarget, ClusterSnapshot> _snapshot;
    private readonly IReadOnlyDictionary<string, string> _unreadable;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public ScriptedSnapshotCollector(Func<ClusterTarget, ClusterSnapshot> snapshot, IReadOnlyDictionary<string, string>? unreadable = null)
    {
        _snapshot = snapshot;
        _unreadable = unreadable ?? new Dictionary<string, string>();
    }

    public int CallsFor(string clusterName) => _calls.GetValueOrDefault(clusterName);

    /// <summary>Unreadable clusters whose failure is permanent (a missing permission, as a runCommand 403).</summary>
    public IReadOnlySet<string> Permanent { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _calls.AddOrUpdate(target.Identity.Name, 1, (_, n) => n + 1);
        var stats = new CollectionStats { ApiCalls = 3, DurationMs = 5 };
        return Task.FromResult(_unreadable.TryGetValue(target.Identity.Name, out var reason)
            ? CollectionOutcome.Unknown(reason, AccessPath.AksEntraToken, stats) with { Permanent = Permanent.Contains(target.Identity.Name) }
            : CollectionOutcome.Read(_snapshot(target), AccessPath.AksEntraToken, stats));
    }
}
