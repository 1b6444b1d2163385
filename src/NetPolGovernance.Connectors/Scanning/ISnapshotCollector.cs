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

    /// <summary>What kind of failure <see cref="Reason"/> describes; <see cref="FailureKind.Other"/> when read.</summary>
    public FailureKind FailureKind { get; init; }

    /// <summary>
    /// The failure will not change on a retry (a permission the identity lacks, such as runCommand's 403): a queue
    /// worker publishes the cluster Unknown at once instead of spending the remaining deliveries on it.
    /// </summary>
    public bool Permanent { get; init; }

    public AccessPath AccessPath { get; init; }

    public CollectionStats Stats { get; init; } = CollectionStats.None;

    public static CollectionOutcome Read(ClusterSnapshot snapshot, AccessPath accessPath, CollectionStats stats) =>
        new() { Snapshot = snapshot, Status = ClusterScanStatus.Scanned, AccessPath = accessPath, Stats = stats };

    public static CollectionOutcome Unknown(string reason, AccessPath accessPath, CollectionStats stats, FailureKind kind = FailureKind.Other) =>
        new() { Status = ClusterScanStatus.Unknown, Reason = reason, FailureKind = kind, AccessPath = accessPath, Stats = stats };

    public static CollectionOutcome Unknown(CollectionFailure failure, AccessPath accessPath, CollectionStats stats)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Unknown(failure.Reason, accessPath, stats, failure.Kind);
    }
}
