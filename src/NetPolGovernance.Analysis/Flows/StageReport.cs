using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// What a proposed policy set would do to the traffic observed: <see cref="WouldDrop"/> (forwarded today, denied by the
/// proposal), <see cref="WouldOpen"/> (denied today, allowed by it) and <see cref="Unverifiable"/> (an answer that is
/// unknown on either side, an end with no pod in the snapshot, or a workload the proposal changes with no flow in the
/// window).
/// </summary>
public sealed record StageReport
{
    public IReadOnlyList<StageEntry> WouldDrop { get; init; } = [];

    public IReadOnlyList<StageEntry> WouldOpen { get; init; } = [];

    public IReadOnlyList<StageEntry> Unverifiable { get; init; } = [];

    public required ObservedTraffic Traffic { get; init; }
}

/// <summary>
/// One connection in a <see cref="StageReport"/>. <see cref="Policy"/> is what decides it under the proposal (the
/// reachability explanation); <see cref="Before"/> what decides it today. <see cref="Reason"/> says why an entry is
/// unverifiable. Count and dates are null for a workload that was never observed.
/// </summary>
public sealed record StageEntry
{
    public required string From { get; init; }

    public required string To { get; init; }

    public TransportProtocol? Protocol { get; init; }

    public int? Port { get; init; }

    public long? Count { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public string? Policy { get; init; }

    public string? Before { get; init; }

    public string? Reason { get; init; }
}
