using System.Globalization;
using System.Text;
using NetPolGovernance.Analysis.Remediation;

namespace NetPolGovernance.Cli.Remediation;

/// <summary>
/// The impact preview as Markdown, for a pull request or a reviewer: per namespace, checks, the connections the plan
/// would open (always none for a proposed plan; listed when they are why a plan was not proposed), the connections it
/// would cut, backout.
/// </summary>
internal static class ImpactPreviewText
{
    public static string Markdown(string cluster, RemediationPlan plan, int? maxRowsPerNamespace = null)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Remediation impact preview: cluster {cluster}, profile {ProfileName(plan.Profile)}\n\n");
        if (plan.Namespaces.Count == 0)
        {
            text.Append("No namespace needs remediation.\n");
            return text.ToString();
        }

        foreach (var ns in plan.Namespaces)
        {
            text.Append(CultureInfo.InvariantCulture, $"## Namespace {ns.Namespace}: {(ns.Verified ? "verified" : "NOT VERIFIED, not proposed")}\n\n");
            foreach (var check in ns.Verification)
            {
                text.Append(CultureInfo.InvariantCulture, $"- {(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Detail}\n");
            }

            text.Append('\n');
            if (ns.Opened.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"Connections denied today that the plan would allow ({ns.Opened.Count}), so it is not proposed:\n\n| from | to | traffic |\n|---|---|---|\n");
                foreach (var connection in ns.Opened.Take(maxRowsPerNamespace ?? int.MaxValue))
                {
                    text.Append(CultureInfo.InvariantCulture, $"| {connection.From} | {connection.To} | {connection.Traffic} |\n");
                }

                if (maxRowsPerNamespace is int most && ns.Opened.Count > most)
                {
                    text.Append(CultureInfo.InvariantCulture, $"| ... | {ns.Opened.Count - most} more | |\n");
                }

                text.Append('\n');
            }

            if (!ns.Verified)
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"Policies: {string.Join(", ", ns.Policies.Select(p => p.Name))}\n\n");
            text.Append("Connections denied today that would be allowed: none (the plan never widens).\n\n");
            if (ns.Impact.Count == 0)
            {
                text.Append("No connection between existing pods that is allowed today would be denied.\n\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"Connections allowed today that would be denied ({ns.Impact.Count}):\n\n| from | to | traffic |\n|---|---|---|\n");
                foreach (var connection in ns.Impact.Take(maxRowsPerNamespace ?? int.MaxValue))
                {
                    text.Append(CultureInfo.InvariantCulture, $"| {connection.From} | {connection.To} | {connection.Traffic} |\n");
                }

                if (maxRowsPerNamespace is int max && ns.Impact.Count > max)
                {
                    text.Append(CultureInfo.InvariantCulture, $"| ... | {ns.Impact.Count - max} more | |\n");
                }

                text.Append('\n');
            }

            text.Append(CultureInfo.InvariantCulture, $"Backout: `{ns.BackoutCommand}`\n\n");
        }

        return text.ToString();
    }

    public static string ProfileName(RemediationProfile profile) => profile switch
    {
        RemediationProfile.Ingress => "ingress",
        RemediationProfile.Strict => "strict",
        _ => "baseline",
    };
}
