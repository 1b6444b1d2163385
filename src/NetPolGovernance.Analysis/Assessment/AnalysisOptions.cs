namespace NetPolGovernance.Analysis.Assessment;

/// <summary>Inputs to one analysis besides the snapshot. Time comes in here; analysis never reads the clock.</summary>
public sealed record AnalysisOptions
{
    public required DateTimeOffset Now { get; init; }

    public ComplianceProfile Profile { get; init; } = ComplianceProfile.Baseline;

    public IReadOnlyList<Exemption> Exemptions { get; init; } = [];

    /// <summary>
    /// Namespaces (names or globs) exempt by default with reason "platform-managed". Null means
    /// <see cref="PlatformNamespaces.Default"/>; an empty list turns the default exemption off.
    /// </summary>
    public IReadOnlyList<string>? PlatformNamespaces { get; init; }

    /// <summary>
    /// The policy engine the user declares for what cannot be detected (<c>--engine</c>, <c>NETPOLGOV_ENGINE</c>): one of
    /// <see cref="Engines.PolicyEngines.DeclarableNames"/>, or null. It is used only where neither the ARM profile nor a
    /// ready engine DaemonSet names an engine, and the report calls it declared, not detected (docs/semantics.md §10).
    /// </summary>
    public string? DeclaredEngine { get; init; }
}

/// <summary>
/// An exemption: data, not code. It applies to namespaces matching every scope field that is set,
/// for the listed checks (empty = all checks), until it expires.
/// </summary>
public sealed record Exemption
{
    /// <summary>A stable id or name for reports; defaults to a synthesized one when omitted.</summary>
    public string? Id { get; init; }

    public string? SubscriptionId { get; init; }

    /// <summary>Cluster name or glob.</summary>
    public string? Cluster { get; init; }

    /// <summary>Namespace name or glob (<c>*</c> and <c>?</c>).</summary>
    public string? Namespace { get; init; }

    /// <summary>Namespace label selector, <c>key=value</c> pairs ANDed.</summary>
    public IReadOnlyDictionary<string, string>? NamespaceLabels { get; init; }

    /// <summary>Check ids this exemption covers; empty means all checks.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    public required string Owner { get; init; }

    public required string Reason { get; init; }

    /// <summary>Null means no expiry (discouraged; reported).</summary>
    public DateTimeOffset? ExpiresOn { get; init; }
}
