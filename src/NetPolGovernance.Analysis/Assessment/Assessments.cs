using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Assessment;

/// <summary>One check's outcome on a cluster or a namespace.</summary>
public sealed record Finding
{
    /// <summary>Stable check id, e.g. <c>NPG-N01</c>.</summary>
    public required string CheckId { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public required CheckResult Result { get; init; }

    /// <summary>Null for cluster-level checks.</summary>
    public string? Namespace { get; init; }

    public required string Message { get; init; }

    /// <summary>Benchmark reference, e.g. <c>CIS AKS v1.0 5.3.2 / v1.7 4.4.2</c>; empty when none.</summary>
    public string Benchmark { get; init; } = string.Empty;

    /// <summary>Machine-readable evidence: policy names, pod names, profile values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Evidence { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public string Remediation { get; init; } = string.Empty;

    /// <summary>True when the active profile counts this check towards NonCompliant.</summary>
    public bool InProfile { get; init; }

    public string? ExemptionReason { get; init; }

    public string? ExemptionOwner { get; init; }

    public DateTimeOffset? ExemptionExpiresOn { get; init; }

    /// <summary>Where the evidence was written (for SARIF), when known.</summary>
    public SourceLocation? Location { get; init; }
}

/// <summary>The per-namespace facts (docs/semantics.md §8) plus status and findings.</summary>
public sealed record NamespaceAssessment
{
    public required string Name { get; init; }

    /// <summary>A platform/system namespace (reported, tagged, never dropped).</summary>
    public bool System { get; init; }

    public NamespaceStatus Status { get; init; }

    /// <summary>
    /// Owner from the namespace's annotations or labels, else its AKS managed namespace's tags, else the cluster's tags
    /// (<see cref="AnalysisOptions.OwnerKeys"/>), else the owner of an applying exemption; null when unknown.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>Where <see cref="Owner"/> came from (<see cref="Pipeline.OwnerSources"/>, e.g. <c>cluster-tag:owner</c>); null without an owner.</summary>
    public string? OwnerSource { get; init; }

    public int PodCount { get; init; }

    /// <summary>Pods derived from workload templates rather than Pod objects.</summary>
    public IReadOnlyList<string> DerivedPods { get; init; } = [];

    public IReadOnlyList<string> HostNetworkPods { get; init; } = [];

    public IReadOnlyList<string> PolicyNames { get; init; } = [];

    /// <summary>16 hex digits identifying the policies that apply, by content (a rename keeps it; docs/log-analytics.md, drift).</summary>
    public string PolicySetHash { get; init; } = string.Empty;

    public bool HasPolicy { get; init; }

    /// <summary>Pods isolated for ingress by a NetworkPolicy or a counted CRD policy (docs/semantics.md §8–§9).</summary>
    public IReadOnlyList<string> IngressIsolatedPods { get; init; } = [];

    public IReadOnlyList<string> EgressIsolatedPods { get; init; } = [];

    /// <summary>A NetworkPolicy or a counted CRD policy puts every pod into ingress deny-by-default.</summary>
    public bool DefaultDenyIngress { get; init; }

    public bool DefaultDenyEgress { get; init; }

    public bool AllowAllIngress { get; init; }

    public bool AllowAllEgress { get; init; }

    public IReadOnlyList<string> DeadPolicies { get; init; } = [];

    public bool HasAnyPolicy { get; init; }

    public IReadOnlyList<string> IngressCoveredPods { get; init; } = [];

    public IReadOnlyList<string> EgressCoveredPods { get; init; } = [];

    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>What observed flows show for the namespace (docs/flows.md, "Runtime proof"); null when no flows were read.</summary>
    public Flows.NamespaceRuntime? Runtime { get; init; }
}

/// <summary>Counters a collector keeps per cluster.</summary>
public sealed record CollectionStats
{
    public int ApiCalls { get; init; }

    public long BytesRead { get; init; }

    public long DurationMs { get; init; }

    public static CollectionStats None { get; } = new();
}

/// <summary>The assessment of one cluster: its status, cluster findings and every namespace.</summary>
public sealed record ClusterAssessment
{
    public required ClusterIdentity Cluster { get; init; }

    /// <summary>The cluster's owner from its ARM tags (<see cref="AnalysisOptions.OwnerKeys"/>); null when no tag names one.</summary>
    public string? Owner { get; init; }

    public ClusterScanStatus Status { get; init; }

    /// <summary>Why the cluster is Unknown or Skipped; null when scanned.</summary>
    public string? StatusReason { get; init; }

    /// <summary>
    /// The cluster is Unknown for a reason another attempt will not change (a permission the identity lacks): a queue
    /// worker publishes it at once instead of retrying it.
    /// </summary>
    public bool StatusIsPermanent { get; init; }

    public AccessPath AccessPath { get; init; }

    public SnapshotSource? Source { get; init; }

    public ClusterNetworkProfile? NetworkProfile { get; init; }

    public EngineEvidence? EngineEvidence { get; init; }

    /// <summary>The policy engine the analysis resolved (docs/semantics.md §10); every assessment carries one.</summary>
    public EngineSummary Engine { get; init; } = EngineSummary.Unknown;

    public IReadOnlyList<Finding> ClusterFindings { get; init; } = [];

    public IReadOnlyList<NamespaceAssessment> Namespaces { get; init; } = [];

    public IReadOnlyList<InvisibleKind> InvisibleKinds { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];

    public int PodCount { get; init; }

    /// <summary>All policy objects of every kind.</summary>
    public int PolicyCount { get; init; }

    public CollectionStats Stats { get; init; } = CollectionStats.None;

    public int CompliantNamespaceCount => Namespaces.Count(n => n.Status is NamespaceStatus.Compliant);
}

/// <summary>
/// The resolved policy engine of a cluster, as reports show it.
/// </summary>
/// <param name="Name">
/// <c>azure-npm</c>, <c>calico</c>, <c>cilium</c>, <c>antrea</c>, <c>kube-router</c>, <c>weave-net</c>, <c>none</c> or
/// <c>unknown</c>.
/// </param>
/// <param name="Basis">Why the analysis believes it (ARM value, DaemonSet found, declared, not readable...).</param>
/// <param name="Declared">The user declared it (<c>--engine</c>); it was not detected.</param>
/// <param name="EnforcementDisabled">The engine runs with policy enforcement switched off (Cilium <c>enable-policy: never</c>).</param>
public sealed record EngineSummary(string Name, string Basis, bool Declared = false, bool EnforcementDisabled = false)
{
    public static EngineSummary Unknown { get; } = new("unknown", "not resolved");

    /// <summary>One line for reports: <c>cilium (declared, not detected: ...)</c>.</summary>
    public string Describe() => $"{Name}{(EnforcementDisabled ? " (enforcement off)" : string.Empty)} — {Basis}";
}
