using System.Globalization;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>NPG-N10: an exemption matching the namespace has expired (it no longer applies).</summary>
internal sealed class ExpiredExemptionCheck : INamespaceCheck
{
    public CheckDefinition Definition => CheckCatalog.N10ExemptionExpired;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var expired = context.Exemptions.Expired;
        if (expired.Count == 0)
        {
            return CheckOutcome.Pass("No expired exemption applies to the namespace.");
        }

        var described = expired
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Id} (owner {e.Exemption.Owner}, expired {e.Exemption.ExpiresOn:yyyy-MM-dd})"))
            .ToList();
        return CheckOutcome.Fail($"Expired exemption(s) no longer apply: {string.Join("; ", described)}.") with
        {
            Evidence = EvidenceMap.Of(
                ("exemptions", expired.Select(e => e.Id)),
                ("owners", expired.Select(e => e.Exemption.Owner).Distinct(StringComparer.Ordinal)),
                ("expiredOn", expired.Select(e => e.Exemption.ExpiresOn?.ToString("O", CultureInfo.InvariantCulture)))),
        };
    }
}
