using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Exemptions;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;
using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>What namespace checks read: the facts and any-kind coverage (docs/semantics.md §8, §9), the engine and visibility.</summary>
internal sealed record NamespaceContext
{
    public required NamespaceView Namespace { get; init; }

    /// <summary>All pods of the namespace, hostNetwork ones included.</summary>
    public required IReadOnlyList<PodInfo> Pods { get; init; }

    public required IReadOnlyList<NetworkPolicy> NetworkPolicies { get; init; }

    public required NamespaceFacts Facts { get; init; }

    public required NamespaceCoverage Coverage { get; init; }

    public required EngineState Engine { get; init; }

    /// <summary>Policy kinds the collector could not read that would count here.</summary>
    public required IReadOnlySet<PolicyKind> InvisibleKinds { get; init; }

    public required NamespaceExemptions Exemptions { get; init; }

    /// <summary>Objects of this namespace the API server would reject (left out of coverage; NPG-N11).</summary>
    public IReadOnlyList<RejectedObject> Rejected { get; init; } = [];

    /// <summary>The flows given for the cluster (null when none were asked for), for NPG-N13.</summary>
    public Flows.ClusterFlows? Flows { get; init; }

    /// <summary>What the flows show for this namespace; null when no flows were read.</summary>
    public Flows.NamespaceRuntime? Runtime { get; init; }

    /// <summary>True when some kind that counts as coverage could not be read.</summary>
    public bool CoverageMayBeIncomplete => InvisibleKinds.Any(Engine.Counts);

    /// <summary>Where to point a namespace-level finding: the Namespace object, else its first pod.</summary>
    public SourceLocation? NamespaceLocation =>
        Namespace.Info.Source ?? Pods.Select(p => p.Source).FirstOrDefault(s => s is not null);

    public SourceLocation? PolicyLocation(string policyName) =>
        NetworkPolicies.FirstOrDefault(p => string.Equals(p.Name, policyName, StringComparison.Ordinal))?.Source;
}
