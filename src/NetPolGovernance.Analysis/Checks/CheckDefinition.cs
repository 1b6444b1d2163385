using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>Whether a check judges the cluster or one namespace.</summary>
public enum CheckLevel
{
    Cluster = 1,
    Namespace = 2,
}

/// <summary>
/// A catalogued check: stable id (it goes into Log Analytics), title, default severity, benchmark reference,
/// remediation, and the least strict profile that counts it towards NonCompliant.
/// </summary>
public sealed record CheckDefinition(
    string Id,
    string Title,
    CheckLevel Level,
    Severity Severity,
    string Benchmark,
    string Remediation,
    ComplianceProfile Profile)
{
    /// <summary>True when <paramref name="active"/> counts this check towards NonCompliant.</summary>
    public bool IsInProfile(ComplianceProfile active) => active >= Profile;
}
