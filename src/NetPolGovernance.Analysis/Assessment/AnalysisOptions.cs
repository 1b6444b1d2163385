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

    /// <summary>
    /// Which namespaces are judged (<c>--namespace</c>, <c>--exclude-namespace</c>). The others are left out of the
    /// assessment, with a note saying how many; cluster checks run whatever the filter.
    /// </summary>
    public NamespaceFilter Namespaces { get; init; } = NamespaceFilter.All;

    /// <summary>
    /// The keys a namespace's owner is read from (<c>--owner-key</c>, <c>NETPOLGOV_OWNER_KEYS</c>), in order: each is
    /// looked up in the namespace's annotations and labels, then in its AKS managed namespace's tags, then in the
    /// cluster's tags. Null or empty means <c>netpolgov.io/owner</c>, <c>owner</c>, <c>team</c>.
    /// </summary>
    public IReadOnlyList<string>? OwnerKeys { get; init; }
}

/// <summary>
/// Namespace names or globs (<c>*</c> any run, <c>?</c> one character; case-sensitive, as Kubernetes names are): a
/// namespace is selected when it matches one of <see cref="Include"/> (or <see cref="Include"/> is empty) and none of
/// <see cref="Exclude"/>.
/// </summary>
public sealed record NamespaceFilter(IReadOnlyList<string> Include, IReadOnlyList<string> Exclude)
{
    /// <summary>Every namespace.</summary>
    public static NamespaceFilter All { get; } = new([], []);

    /// <summary>True when the filter leaves nothing out.</summary>
    public bool IsAll => Include.Count == 0 && Exclude.Count == 0;

    public bool Selects(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (Include.Count == 0 || Include.Any(p => Matches(p, name))) && !Exclude.Any(p => Matches(p, name));
    }

    /// <summary>True when <paramref name="pattern"/> (a name or glob) matches <paramref name="name"/>.</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Exemptions.Glob.IsMatch(pattern, name, StringComparison.Ordinal);
    }

    /// <summary>How the filter reads in a note: <c>--namespace team-* --exclude-namespace team-old</c>.</summary>
    public override string ToString() =>
        string.Join(' ', Include.Select(p => $"--namespace {p}").Concat(Exclude.Select(p => $"--exclude-namespace {p}")));
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
