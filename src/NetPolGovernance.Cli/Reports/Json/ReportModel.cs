using System.Text.Json.Serialization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Cli.Reports.Json;

// The JSON report contract (docs/report.md, docs/report.schema.json). These types are the wire shape, kept apart
// from the analysis types so that the schema changes only on purpose: bump ReportSchema.Version when it does.

/// <summary>The report schema version. Minor: fields added. Major: fields removed, renamed or retyped.</summary>
internal static class ReportSchema
{
    public const string Version = "1.3";
}

internal sealed record ToolDto(string Name, string Version);

internal sealed record ScanDto(string ScanId, DateTimeOffset StartedAt, string Profile, string Source, Severity? FailOn);

/// <summary>The start of the <c>json</c> report and the <c>header</c> record of <c>jsonl</c>.</summary>
internal sealed record HeaderDto(string SchemaVersion, ToolDto Tool, ScanDto Scan);

internal sealed record ClusterDto
{
    public required string Name { get; init; }

    public string? ResourceId { get; init; }

    public string? SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public string? Location { get; init; }

    public string? AzureTenantId { get; init; }

    public string? KubeContext { get; init; }

    /// <summary>The cluster's owner from its ARM tags; null when no tag names one.</summary>
    public string? Owner { get; init; }

    public string? KubernetesVersion { get; init; }

    public ClusterScanStatus Status { get; init; }

    public string? Reason { get; init; }

    public AccessPath AccessPath { get; init; }

    public SnapshotSource? Source { get; init; }

    public NetworkProfileDto? NetworkProfile { get; init; }

    public EngineEvidenceDto? EngineEvidence { get; init; }

    public required EngineDto Engine { get; init; }

    public required StatsDto Stats { get; init; }

    public int NamespaceCount { get; init; }

    public int CompliantNamespaceCount { get; init; }

    public int PodCount { get; init; }

    public int PolicyCount { get; init; }

    public required IReadOnlyList<FindingDto> Findings { get; init; }

    public required IReadOnlyList<InvisibleKindDto> InvisibleKinds { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required IReadOnlyList<NamespaceDto> Namespaces { get; init; }
}

internal sealed record NetworkProfileDto(
    string? NetworkPlugin,
    string? NetworkPluginMode,
    string? NetworkPolicy,
    string? NetworkDataplane,
    IReadOnlyList<string> NodePoolOsTypes);

internal sealed record EngineEvidenceDto(
    IReadOnlyList<EngineDaemonSetDto> DaemonSets,
    string? CiliumPolicyEnforcementMode,
    bool Unavailable,
    string? UnavailableReason);

internal sealed record EngineDto(string Name, string Basis, bool Declared, bool EnforcementDisabled);

internal sealed record EngineDaemonSetDto(string Engine, string Namespace, string Name, int Desired, int Ready);

internal sealed record StatsDto(int ApiCalls, long Bytes, long DurationMs);

internal sealed record InvisibleKindDto(string ApiGroup, string Kind, string Reason);

/// <summary>One namespace: identity, status, the eleven facts (docs/semantics.md §8, §9) and its findings.</summary>
internal sealed record NamespaceDto
{
    public required string Name { get; init; }

    public bool System { get; init; }

    public NamespaceStatus Status { get; init; }

    public string? Owner { get; init; }

    /// <summary>Where the owner came from: <c>annotation:KEY</c>, <c>label:KEY</c>, <c>managed-namespace-tag:KEY</c>, <c>cluster-tag:KEY</c> or <c>exemption</c>.</summary>
    public string? OwnerSource { get; init; }

    public int PodCount { get; init; }

    public required IReadOnlyList<string> DerivedPods { get; init; }

    public required IReadOnlyList<string> HostNetworkPods { get; init; }

    public required IReadOnlyList<string> PolicyNames { get; init; }

    public bool HasPolicy { get; init; }

    public required IReadOnlyList<string> IngressIsolatedPods { get; init; }

    public required IReadOnlyList<string> EgressIsolatedPods { get; init; }

    public bool DefaultDenyIngress { get; init; }

    public bool DefaultDenyEgress { get; init; }

    public bool AllowAllIngress { get; init; }

    public bool AllowAllEgress { get; init; }

    public required IReadOnlyList<string> DeadPolicies { get; init; }

    public bool HasAnyPolicy { get; init; }

    public required IReadOnlyList<string> IngressCoveredPods { get; init; }

    public required IReadOnlyList<string> EgressCoveredPods { get; init; }

    public required IReadOnlyList<FindingDto> Findings { get; init; }

    /// <summary>What observed flows show for the namespace (since 1.2); null when the scan read no flows.</summary>
    public NamespaceRuntimeDto? Runtime { get; init; }
}

internal sealed record NamespaceRuntimeDto(
    FlowWindowDto? Window,
    int Connections,
    long IngressForwarded,
    long EgressForwarded,
    long Dropped,
    IReadOnlyList<PolicyHitDto> PolicyHits,
    IReadOnlyList<string> UnusedRules,
    IReadOnlyList<PolicyHitDto> AllowAllCarryingTraffic,
    IReadOnlyList<OwnerDropsDto> DropsByOwner,
    IReadOnlyList<ContradictionDto> Contradictions,
    int ContradictionCount,
    int UnverifiedCount,
    int Unmatched);

internal sealed record FlowWindowDto(DateTimeOffset From, DateTimeOffset To);

internal sealed record PolicyHitDto(string Policy, long? Matched, long Reported);

internal sealed record OwnerDropsDto(string Owner, long Ingress, long Egress);

internal sealed record ContradictionDto(string From, string To, string Protocol, int Port, long Forwarded, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string Decision);

internal sealed record FindingDto
{
    public required string CheckId { get; init; }

    public required string Title { get; init; }

    public Severity Severity { get; init; }

    public CheckResult Result { get; init; }

    public string? Namespace { get; init; }

    public required string Message { get; init; }

    public required string Benchmark { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Evidence { get; init; }

    public required string Remediation { get; init; }

    public bool InProfile { get; init; }

    public ExemptionDto? Exemption { get; init; }

    public LocationDto? Location { get; init; }
}

internal sealed record ExemptionDto(string? Reason, string? Owner, DateTimeOffset? ExpiresOn);

internal sealed record LocationDto(string File, int Line);

internal sealed record SummaryDto
{
    public required string Result { get; init; }

    public required GateDto Gate { get; init; }

    public int ExitCode { get; init; }

    public required ClusterCountsDto Clusters { get; init; }

    public required NamespaceCountsDto Namespaces { get; init; }

    public required FindingCountsDto FailingFindings { get; init; }

    public required IReadOnlyList<string> Publishing { get; init; }
}

/// <summary>The gate beside the compliance result (schema 1.1): kind profile or fail-on, its threshold, outcome and why.</summary>
internal sealed record GateDto(string Kind, string Threshold, string Outcome, string Reason);

internal sealed record ClusterCountsDto(int Total, int Scanned, int Unknown, int Skipped);

internal sealed record NamespaceCountsDto(int Total, int Compliant, int NonCompliant, int Unenforced, int Exempt, int Unknown);

internal sealed record FindingCountsDto(int Critical, int High, int Medium, int Low, int Info);

/// <summary>One line of the <c>jsonl</c> report: <c>type</c> is <c>header</c>, <c>cluster</c> or <c>summary</c>.</summary>
internal sealed record JsonlRecordDto
{
    public required string Type { get; init; }

    public required string SchemaVersion { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ToolDto? Tool { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScanDto? Scan { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClusterDto? Cluster { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SummaryDto? Summary { get; init; }
}
