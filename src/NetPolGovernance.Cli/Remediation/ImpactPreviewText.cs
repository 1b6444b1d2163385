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
            Observed(text, ns);
            Platform(text, ns);
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

    // The observed profile: where each rule came from, what got no allow and why, and the coverage per workload.
    private static void Observed(StringBuilder text, NamespaceRemediation ns)
    {
        var rules = ns.Policies.SelectMany(p => (p.Ingress ?? []).Concat(p.Egress ?? []).Select(r => (Policy: p.Name, r.Comment))).Where(r => r.Comment is not null).ToList();
        if (rules.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Observed rules ({rules.Count}):\n\n| policy | rule and provenance |\n|---|---|\n");
            foreach (var (policy, comment) in rules)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {policy} | {comment} |\n");
            }

            text.Append('\n');
        }

        foreach (var note in ns.Notes)
        {
            text.Append(CultureInfo.InvariantCulture, $"- note: {note}\n");
        }

        if (ns.Notes.Count > 0)
        {
            text.Append('\n');
        }

        if (ns.Coverage.Count > 0)
        {
            text.Append("Coverage confidence per workload:\n\n| workload | confidence | why not 1 |\n|---|---|---|\n");
            foreach (var coverage in ns.Coverage)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {coverage.Workload} | {coverage.Confidence:0.00} | {string.Join("; ", coverage.Reasons)} |\n");
            }

            text.Append('\n');
        }
    }

    private static void Platform(StringBuilder text, NamespaceRemediation ns)
    {
        if (ns.Platform.Count == 0)
        {
            return;
        }

        text.Append("Platform dependencies (docs/platform-dependencies.md):\n\n");
        foreach (var finding in ns.Platform)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {finding.Level.ToString().ToLowerInvariant()} [{finding.Dependency.Id}]: {finding.Message}\n");
        }

        text.Append('\n');
    }

    public static string ProfileName(RemediationProfile profile) => profile switch
    {
        RemediationProfile.Observed => "observed",
        RemediationProfile.Ingress => "ingress",
        RemediationProfile.Strict => "strict",
        _ => "baseline",
    };
}
