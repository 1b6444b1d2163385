using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Analysis.Exemptions;

/// <summary>An exemption with its report id resolved (the given id, or <c>exemption[i]</c> by position).</summary>
internal sealed record ResolvedExemption(string Id, Exemption Exemption)
{
    /// <summary>True when the exemption covers <paramref name="checkId"/> (an empty check list covers every check).</summary>
    public bool Covers(string checkId) =>
        Exemption.Checks.Count == 0
        || Exemption.Checks.Any(c => string.Equals(c.Trim(), checkId, StringComparison.OrdinalIgnoreCase));

    public bool CoversAllChecks => Exemption.Checks.Count == 0;

    /// <summary>True when the exemption has no namespace-level scope: it also applies to cluster findings.</summary>
    public bool IsClusterWide => Exemption.Namespace is null && (Exemption.NamespaceLabels is null || Exemption.NamespaceLabels.Count == 0);
}

/// <summary>The exemptions that match one namespace: valid ones (user exemptions before the platform one) and expired ones.</summary>
internal sealed record NamespaceExemptions(IReadOnlyList<ResolvedExemption> Valid, IReadOnlyList<ResolvedExemption> Expired)
{
    public static NamespaceExemptions None { get; } = new([], []);

    /// <summary>The first valid exemption covering the check; null when none.</summary>
    public ResolvedExemption? Covering(string checkId) => Valid.FirstOrDefault(e => e.Covers(checkId));

    /// <summary>The first valid exemption covering every check; null when none.</summary>
    public ResolvedExemption? Whole => Valid.FirstOrDefault(e => e.CoversAllChecks);
}
