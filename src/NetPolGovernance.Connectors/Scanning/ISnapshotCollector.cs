using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Scanning;

/// <summary>Reads one cluster into a <see cref="ClusterSnapshot"/>. Implementations never throw for cluster faults:
/// they return an Unknown outcome with a reason a human can act on. Cancellation still throws.</summary>
public interface ISnapshotCollector
{
    Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken);
}

/// <summary>What a collector produced for one cluster.</summary>
public sealed record CollectionOutcome
{
    public ClusterSnapshot? Snapshot { get; init; }

    public ClusterScanStatus Status { get; init; }

    public string? Reason { get; init; }

    public AccessPath AccessPath { get; init; }

    public CollectionStats Stats { get; init; } = CollectionStats.None;

    public static CollectionOutcome Read(ClusterSnapshot snapshot, AccessPath accessPath, CollectionStats stats) =>
        new() { Snapshot = snapshot, Status = ClusterScanStatus.Scanned, AccessPath = accessPath, Stats = stats };

    public static CollectionOutcome Unknown(string reason, AccessPath accessPath, CollectionStats stats) =>
        new() { Status = ClusterScanStatus.Unknown, Reason = reason, AccessPath = accessPath, Stats = stats };
}
