using System.Globalization;
using System.Net;
using System.Text;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Cli.Reports.Html;

/// <summary>
/// <c>stage --format html</c>: one self-contained page (no script, no external resource; the scan report's
/// stylesheet) for a change review: the verdict and counts first, then the three lists of <see cref="StageReport"/>
/// (would drop, would open, unverifiable) as tables, each row with from, to, port, flow count, last seen and the
/// deciding policy or reason. Lists longer than <see cref="OpenRows"/> show their first rows and fold the rest in a
/// <c>&lt;details&gt;</c>. Every value from flow data is HTML-encoded.
/// </summary>
internal static class StageHtmlReport
{
    /// <summary>Rows shown before the rest of a list is folded.</summary>
    public const int OpenRows = 200;

    public static string Render(StageReport report, string summary, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(summary);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Staged policy change</title>\n<style>\n").Append(HtmlStyle.Css).Append("\n</style>\n</head>\n<body>\n")
            .Append("<header class=\"top\"><h1>Staged policy change</h1><p>")
            .Append(E(summary))
            .Append("</p></header>\n<main class=\"report\">\n");

        var (verdict, css) = report.WouldDrop.Count > 0 ? ("would drop observed traffic", "s-fail")
            : report.Unverifiable.Count > 0 ? ("unverifiable: not enough observed traffic", "s-incomplete")
            : ("safe to enforce on the observed traffic", "s-pass");
        html.Append("<section class=\"summary\"><h2>Verdict <span class=\"badge ").Append(css).Append("\">").Append(E(verdict)).Append("</span></h2>\n")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"facts\"><b>{report.WouldDrop.Count}</b> would drop · <b>{report.WouldOpen.Count}</b> would open · <b>{report.Unverifiable.Count}</b> unverifiable</p>\n")
            .Append("<p class=\"muted\">Would drop: connections observed forwarded that the current policies allow and the proposal denies. ")
            .Append("Would open: connections denied today that the proposal allows. Unverifiable: where the flows cannot tell (docs/flows.md).</p></section>\n");

        Section(html, "would-drop", "Would drop", report.WouldDrop, "Deciding policy", e => e.Policy);
        Section(html, "would-open", "Would open", report.WouldOpen, "Deciding policy", e => e.Policy);
        Section(html, "unverifiable", "Unverifiable", report.Unverifiable, "Reason", e => e.Reason);
        html.Append("</main>\n<footer>netpolgov stage · ")
            .Append(E(generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append("</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, string id, string title, IReadOnlyList<StageEntry> entries, string whyHeader, Func<StageEntry, string?> why)
    {
        html.Append("<section class=\"cluster\" id=\"").Append(id).Append("\"><h2>").Append(E(title))
            .Append(CultureInfo.InvariantCulture, $" <span class=\"muted\">{entries.Count}</span></h2>\n");
        if (entries.Count == 0)
        {
            html.Append("<p class=\"muted\">None.</p></section>\n");
            return;
        }

        Table(html, entries.Take(OpenRows), whyHeader, why);
        if (entries.Count > OpenRows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<details><summary>{entries.Count - OpenRows} more</summary>\n");
            Table(html, entries.Skip(OpenRows), whyHeader, why);
            html.Append("</details>\n");
        }

        html.Append("</section>\n");
    }

    private static void Table(StringBuilder html, IEnumerable<StageEntry> entries, string whyHeader, Func<StageEntry, string?> why)
    {
        html.Append("<table><thead><tr><th>From</th><th>To</th><th>Port</th><th class=\"num\">Flows</th><th>Last seen</th><th>")
            .Append(E(whyHeader)).Append("</th></tr></thead><tbody>\n");
        foreach (var entry in entries)
        {
            var port = entry.Port is { } n ? string.Create(CultureInfo.InvariantCulture, $"{n}/{entry.Protocol?.ToKubernetes()}") : "any";
            var count = entry.Count is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : string.Empty;
            var last = entry.LastSeen?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? string.Empty;
            html.Append("<tr><td><code>").Append(E(entry.From)).Append("</code></td><td><code>").Append(E(entry.To)).Append("</code></td><td>")
                .Append(E(port)).Append("</td><td class=\"num\">").Append(count).Append("</td><td>").Append(E(last)).Append("</td><td>")
                .Append(E(why(entry) ?? string.Empty)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
