using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Service;

/// <summary>The record of one scan's start, kept in the ledger (<c>scans/{scanId}/scan.json</c> and <c>scans/latest.json</c>).</summary>
public sealed record ScanRecord
{
    public required string ScanId { get; init; }

    public ScanTrigger Trigger { get; init; }

    public required string Scope { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public ScanRecordStatus Status { get; init; }

    public int ClustersEnqueued { get; init; }

    /// <summary>The timer fired late (a missed occurrence).</summary>
    public bool PastDue { get; init; }

    public DateTimeOffset? EnqueuedAt { get; init; }

    public string? Error { get; init; }
}

/// <summary>Where a scan's fan-out stands.</summary>
public enum ScanRecordStatus
{
    /// <summary>Listing the inventory and enqueueing.</summary>
    Enqueuing = 0,

    /// <summary>One message per cluster is on the queue.</summary>
    Enqueued = 1,

    /// <summary>The inventory or the queue failed; <see cref="ScanRecord.Error"/> says why.</summary>
    Failed = 2,
}

/// <summary>The completion marker of one cluster in one scan: its rows were published.</summary>
public sealed record ClusterCompletion
{
    public required string ScanId { get; init; }

    public required string ClusterName { get; init; }

    public string? ClusterResourceId { get; init; }

    public ClusterScanStatus Status { get; init; }

    public int RowsSent { get; init; }

    public long DequeueCount { get; init; }

    public DateTimeOffset CompletedAt { get; init; }
}

/// <summary>Why the last delivery of a cluster's message failed; the poison path publishes it.</summary>
public sealed record ClusterAttemptError(long DequeueCount, string Error, DateTimeOffset At);
