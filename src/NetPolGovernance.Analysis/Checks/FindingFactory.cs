using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Exemptions;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>Turns a check outcome into a <see cref="Finding"/>: profile membership and exemption applied.</summary>
internal static class FindingFactory
{
    public static Finding Create(
        CheckDefinition check,
        CheckOutcome outcome,
        string? ns,
        ComplianceProfile profile,
        ResolvedExemption? exemption)
    {
        var exempted = exemption is not null && outcome.Result is CheckResult.Fail or CheckResult.Unknown;
        return new Finding
        {
            CheckId = check.Id,
            Title = check.Title,
            Severity = outcome.Severity ?? check.Severity,
            Result = exempted ? CheckResult.Exempt : outcome.Result,
            Namespace = ns,
            Message = outcome.Message,
            Benchmark = check.Benchmark,
            Evidence = outcome.Evidence,
            Remediation = check.Remediation,
            InProfile = check.IsInProfile(profile),
            ExemptionReason = exempted ? exemption!.Exemption.Reason : null,
            ExemptionOwner = exempted ? exemption!.Exemption.Owner : null,
            ExemptionExpiresOn = exempted ? exemption!.Exemption.ExpiresOn : null,
            Location = outcome.Location,
        };
    }
}
