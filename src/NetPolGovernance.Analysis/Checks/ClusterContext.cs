using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>What cluster checks read.</summary>
internal sealed record ClusterContext
{
    public required ClusterNetworkProfile? Profile { get; init; }

    public required EngineEvidence? Evidence { get; init; }

    public required EngineState Engine { get; init; }

    /// <summary>CRD policy objects (Calico normalised); empty for an unreadable cluster.</summary>
    public required IReadOnlyList<PolicyRef> CrdPolicies { get; init; }

    /// <summary>False when the cluster's API could not be read: checks needing in-cluster data report Unknown.</summary>
    public required bool Readable { get; init; }

    public required string? UnreadableReason { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>Cluster-scoped objects the API server would reject (left out of coverage; NPG-C06).</summary>
    public IReadOnlyList<RejectedObject> Rejected { get; init; } = [];
}
