using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Validation;
using NetPolGovernance.Cli.Interaction;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// <c>reach</c> and <c>remediate</c> judge the policies <c>scan</c> judges: a policy the API server would reject
/// protects nothing, so it is left out (docs/semantics.md §14), and each one left out is named in a warning, as scan
/// names it in NPG-N11 or NPG-C06. Manifests never get here with one: the loader refuses them.
/// </summary>
internal static class RejectedPolicies
{
    public static ClusterSnapshot LeaveOut(ClusterSnapshot snapshot, IInteractionService interaction)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(interaction);
        var report = ObjectValidator.ValidatePolicies(snapshot);
        foreach (var rejected in report.Rejected.Where(r => r.IsPolicy))
        {
            interaction.DisplayWarning(
                $"{rejected.Describe()} would be rejected by the API server ({rejected.Violations[0]}) and is left out, as scan leaves it out ({(rejected.Namespace is null ? "NPG-C06" : "NPG-N11")})");
        }

        return report.WithoutRejectedPolicies(snapshot);
    }
}
