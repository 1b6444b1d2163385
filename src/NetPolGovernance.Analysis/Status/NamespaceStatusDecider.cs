using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Checks;

namespace NetPolGovernance.Analysis.Status;

/// <summary>
/// Namespace status, first match wins: <b>Unknown</b> (an in-profile check could not be decided) →
/// <b>Exempt</b> (an exemption covering every check, e.g. the platform one) → <b>Unenforced</b> (NPG-N09 fails) →
/// <b>NonCompliant</b> (an in-profile check fails, cluster checks included) → <b>Exempt</b> (every in-profile failure
/// is exempted) → <b>Compliant</b>.
/// </summary>
internal static class NamespaceStatusDecider
{
    /// <param name="findings">The namespace's findings plus the cluster findings as seen from this namespace.</param>
    /// <param name="wholeNamespaceExempt">A valid exemption covering every check applies.</param>
    public static NamespaceStatus Decide(IEnumerable<Finding> findings, bool wholeNamespaceExempt)
    {
        var list = findings as IReadOnlyCollection<Finding> ?? [.. findings];
        if (list.Any(f => f.InProfile && f.Result == CheckResult.Unknown))
        {
            return NamespaceStatus.Unknown;
        }

        if (wholeNamespaceExempt)
        {
            return NamespaceStatus.Exempt;
        }

        if (list.Any(f => f.Result == CheckResult.Fail && f.CheckId == CheckCatalog.N09Unenforced.Id))
        {
            return NamespaceStatus.Unenforced;
        }

        if (list.Any(f => f.InProfile && f.Result == CheckResult.Fail))
        {
            return NamespaceStatus.NonCompliant;
        }

        return list.Any(f => f.InProfile && f.Result == CheckResult.Exempt) ? NamespaceStatus.Exempt : NamespaceStatus.Compliant;
    }
}
