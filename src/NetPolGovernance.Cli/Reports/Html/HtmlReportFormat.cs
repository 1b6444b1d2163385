using System.Text;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Remediation;
using static NetPolGovernance.Cli.Reports.Html.HtmlText;

namespace NetPolGovernance.Cli.Reports.Html;

/// <summary><c>--format html</c>: one self-contained HTML file (inline CSS, no scripts, no external assets).</summary>
internal sealed class HtmlReportFormat : IReportFormat
{
    public string Name => "html";

    public IReadOnlyList<string> FileExtensions { get; } = [".html", ".htm"];

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new HtmlReportWriter(target.Stream);
    }
}

/// <summary>
/// The report for managers and auditors, sized for fleets (docs/report.md, "HTML"). In page order: the fleet summary
/// (totals, the gate, the Unknown and Skipped clusters and why, the worst namespaces, namespaces by owner, exemptions
/// grouped by owner, reason and check); the cluster index, one collapsed <c>&lt;details&gt;</c> per cluster whose
/// summary line is its row (<see cref="HtmlClusterDetails"/>); the baseline remediation once; the checks the
/// findings refer to. Clusters come in report order (<see cref="ClusterOrder"/>). The summary needs every cluster,
/// so the clusters' HTML is held until <see cref="WriteSummaryAsync"/> (a few KB per cluster, far less than the
/// assessments the ordered writer holds meanwhile). Every value is HTML-encoded.
/// </summary>
internal sealed class HtmlReportWriter : IReportWriter
{
    private readonly StreamWriter _out;
    private readonly StringBuilder _details = new();
    private readonly List<(int Number, string Name, ClusterScanStatus Status, string Reason)> _notScanned = [];
    private readonly WorstNamespaces _worst = new();
    private readonly OwnerRollup _owners = new();
    private readonly ExemptionGroups _exemptions = new();
    private readonly SortedDictionary<string, Finding> _checks = new(StringComparer.Ordinal);
    private string? _firstNoncompliant;
    private int _clusters;
    private DateTimeOffset _now;

    public HtmlReportWriter(Stream stream)
    {
        _out = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
    }

    public async Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        _now = header.Scan.StartedAt;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Network policy compliance report</title>\n<style>\n").Append(HtmlStyle.Css).Append("\n</style>\n</head>\n<body>\n")
            .Append("<header class=\"top\"><h1>Network policy compliance report</h1><p>")
            .Append(E($"Profile {Lower(header.Scan.Profile)} · source {header.Source} · scanned {Time(header.Scan.StartedAt)} · scan {header.Scan.ScanId} · netpolgov {header.Scan.ScannerVersion}"));
        if (header.FailOn is { } failOn)
        {
            html.Append(E($" · fails on {Lower(failOn)} and above"));
        }

        html.Append("</p></header>\n<main class=\"report\">\n");
        await WriteAsync(html, cancellationToken).ConfigureAwait(false);
    }

    public Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var number = ++_clusters;
        HtmlClusterDetails.Append(_details, cluster, number, _checks);
        if (cluster.Status != ClusterScanStatus.Scanned)
        {
            _notScanned.Add((number, cluster.Cluster.Name, cluster.Status, cluster.StatusReason ?? "no reason given"));
        }

        _worst.Add(cluster);
        _owners.Add(cluster);
        _exemptions.Add(cluster);
        _firstNoncompliant ??= cluster.Namespaces.Where(n => n.Status == NamespaceStatus.NonCompliant).Select(n => n.Name).Order(StringComparer.Ordinal).FirstOrDefault();
        return Task.CompletedTask;
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var html = new StringBuilder();
        AppendSummary(html, summary);
        AppendNotScanned(html);
        AppendWorst(html);
        AppendOwners(html);
        AppendExemptions(html);
        foreach (var message in summary.SinkMessages)
        {
            html.Append("<p class=\"muted\">").Append(E(message)).Append("</p>\n");
        }

        html.Append("<p class=\"muted\">Compliance = compliant namespaces ÷ (all namespaces − exempt). Unknown and unenforced namespaces count as not compliant. ")
            .Append("Checks and statuses: docs/checks.md.</p>\n</section>\n");

        html.Append("<section class=\"clusters\" id=\"clusters\">\n<h2>Clusters</h2>\n<p class=\"muted\">")
            .Append("One line per cluster, by subscription and name; open a line for its network profile, the namespaces to act on with their findings, the compliant and exempt namespaces")
            .Append(" and the observed flows. Findings marked <span class=\"tag\">info</span> do not count towards the profile.</p>\n")
            .Append("<div class=\"row head\"><span>Cluster</span><span>Scan</span><span>Compliance</span>");
        foreach (var status in HtmlClusterDetails.IndexStatuses)
        {
            html.Append("<span>").Append(E(Label(status.ToString()))).Append("</span>");
        }

        html.Append("<span>Pods</span><span>Policies</span></div>\n");
        await WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await _out.WriteAsync(_details, cancellationToken).ConfigureAwait(false);
        _details.Clear();

        html.Clear().Append("</section>\n");
        AppendRemediation(html, summary);
        AppendChecks(html);
        html.Append("</main>\n<footer>Generated by netpolgov. Self-contained report: no scripts, no external resources.</footer>\n</body>\n</html>\n");
        await WriteAsync(html, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _out.FlushAsync().ConfigureAwait(false);
        await _out.DisposeAsync().ConfigureAwait(false);
    }

    private static void AppendSummary(StringBuilder html, ScanSummary summary)
    {
        var counts = summary.NamespacesByStatus;
        int Count(NamespaceStatus status) => counts.TryGetValue(status, out var n) ? n : 0;
        var compliant = Count(NamespaceStatus.Compliant);
        var judged = summary.Namespaces - Count(NamespaceStatus.Exempt);

        html.Append("<section class=\"summary\" id=\"summary\">\n<h2>Fleet summary ").Append(Badge(summary.Result)).Append("</h2>\n<div class=\"kpis\">\n");
        Kpi(html, "Compliance", Percent(compliant, judged), $"{compliant} of {judged} namespaces (exempt namespaces excluded)", "kpi-compliance");
        Kpi(html, "Clusters", Num(summary.Clusters), $"{summary.ClustersScanned} scanned, {summary.ClustersUnknown} unknown, {summary.ClustersSkipped} skipped", "kpi-clusters");
        Kpi(html, "Namespaces", Num(summary.Namespaces), $"{Count(NamespaceStatus.NonCompliant)} noncompliant, {Count(NamespaceStatus.Exempt)} exempt", "kpi-namespaces");
        var failing = summary.FailingFindingsBySeverity.Where(p => p.Key >= Severity.High).Sum(p => p.Value);
        Kpi(html, "High and critical findings", Num(failing), $"exit code {summary.ExitCode}", "kpi-findings");
        html.Append("</div>\n");
        html.Append("<p class=\"gate\" id=\"gate\">Result ").Append(Badge(summary.Result)).Append(" · gate ").Append(E(summary.Gate.Name)).Append(' ')
            .Append(Badge(summary.Gate.OutcomeName)).Append(' ').Append(E($"({summary.Gate.Reason})")).Append(" · exit code ").Append(Num(summary.ExitCode)).Append("</p>\n");
        AppendStatusBar(html, counts, summary.Namespaces);
        html.Append("<p class=\"muted\">Jump to: <a href=\"#unknown-clusters\">clusters not scanned</a> · <a href=\"#worst-namespaces\">worst namespaces</a> · ")
            .Append("<a href=\"#owners\">owners</a> · <a href=\"#exemptions\">exemptions</a> · <a href=\"#clusters\">clusters</a> · <a href=\"#checks\">checks</a></p>\n");
    }

    private void AppendNotScanned(StringBuilder html)
    {
        html.Append("<h3>Unknown and skipped clusters</h3>\n");
        if (_notScanned.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"unknown-clusters\">Every cluster was scanned.</p>\n");
            return;
        }

        html.Append("<table id=\"unknown-clusters\"><thead><tr><th>Cluster</th><th>Status</th><th>Reason (what to fix)</th></tr></thead><tbody>\n");
        foreach (var (number, name, status, reason) in _notScanned)
        {
            html.Append("<tr><td><a href=\"#").Append(ClusterAnchor(number)).Append("\">").Append(E(name)).Append("</a></td><td>").Append(Badge(status.ToString())).Append("</td><td>")
                .Append(E(reason)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n<p class=\"muted\">A cluster that could not be read is never counted as compliant.</p>\n");
    }

    private void AppendWorst(StringBuilder html)
    {
        var worst = _worst.Top();
        html.Append("<h3>Worst namespaces</h3>\n");
        if (worst.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"worst-namespaces\">No namespace has a failing finding.</p>\n");
            return;
        }

        html.Append("<table id=\"worst-namespaces\"><thead><tr><th>Cluster / namespace</th><th>Status</th><th>Owner</th><th>Failing findings, most severe first</th></tr></thead><tbody>\n");
        foreach (var row in worst)
        {
            html.Append("<tr><td><a href=\"#").Append(ClusterAnchor(row.ClusterNumber)).Append("\">").Append(E(row.Cluster)).Append("</a> / ").Append(E(row.Namespace))
                .Append("</td><td>").Append(Badge(row.Status.ToString())).Append("</td><td>").Append(E(row.Owner ?? OwnerRollup.NoOwner)).Append("</td><td>").Append(E(row.Counts())).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n<p class=\"muted\">Ranked by the most critical failing findings, then the most high, and so on; exempt findings are not counted.</p>\n");
    }

    private void AppendOwners(StringBuilder html)
    {
        html.Append("<h3>Namespaces by owner</h3>\n");
        if (_owners.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"owners\">No namespace was judged.</p>\n");
            return;
        }

        html.Append("<table id=\"owners\"><thead><tr><th>Owner</th><th class=\"num\">Namespaces</th><th class=\"num\">Compliant</th><th class=\"num\">Noncompliant</th>")
            .Append("<th class=\"num\">Unenforced</th><th class=\"num\">Exempt</th><th class=\"num\">Unknown</th><th class=\"num\">Clusters</th></tr></thead><tbody>\n");
        foreach (var row in _owners.Rows())
        {
            html.Append("<tr><td>").Append(E(row.Owner)).Append("</td><td class=\"num\">").Append(Num(row.Namespaces)).Append("</td>");
            foreach (var status in (ReadOnlySpan<NamespaceStatus>)[NamespaceStatus.Compliant, NamespaceStatus.NonCompliant, NamespaceStatus.Unenforced, NamespaceStatus.Exempt, NamespaceStatus.Unknown])
            {
                html.Append("<td class=\"num\">").Append(Num(row.Of(status))).Append("</td>");
            }

            html.Append("<td class=\"num\">").Append(Num(row.Clusters)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n<p class=\"muted\">The owner is the namespace's, as the scan resolved it; namespaces without one are under (no owner). Clusters: how many clusters the owner's namespaces are on.</p>\n");
    }

    private void AppendExemptions(StringBuilder html)
    {
        html.Append("<h3>Exemptions and expiry</h3>\n");
        if (_exemptions.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"exemptions\">No finding is covered by an exemption.</p>\n");
            return;
        }

        html.Append("<p class=\"muted\">").Append(E($"{Num(_exemptions.Findings)} exempt findings in {Num(_exemptions.Count)} groups (owner, reason, check), the soonest to expire first."))
            .Append("</p>\n<table id=\"exemptions\"><thead><tr><th>Owner</th><th>Reason</th><th>Check</th><th class=\"num\">Findings</th><th>Expires</th><th>Where</th></tr></thead><tbody>\n");
        foreach (var group in _exemptions.Ordered())
        {
            html.Append("<tr><td>").Append(E(group.Owner)).Append("</td><td>").Append(E(group.Reason)).Append("</td><td><a class=\"check\" href=\"#").Append(E(CheckAnchor(group.CheckId))).Append("\">")
                .Append(E(group.CheckId)).Append("</a></td><td class=\"num\">").Append(Num(group.Findings)).Append("</td><td>").Append(Expiry(group.EarliestExpiry));
            if (group.LatestExpiry is { } latest && latest != group.EarliestExpiry)
            {
                html.Append("<br><span class=\"muted\">").Append(E($"latest {Day(latest)}")).Append("</span>");
            }

            if (group.WithoutExpiry > 0 && group.EarliestExpiry is not null)
            {
                html.Append("<br>").Append(Badge("Unknown", $"{Num(group.WithoutExpiry)} without expiry"));
            }

            var namespaces = group.Where.Sum(w => w.Namespaces.Count);
            html.Append("</td><td><details><summary>").Append(E($"{Num(group.Clusters)} {(group.Clusters == 1 ? "cluster" : "clusters")}, {Num(namespaces)} {(namespaces == 1 ? "namespace" : "namespaces")}"))
                .Append("</summary><p class=\"where\">");
            var first = true;
            foreach (var (_, cluster, where) in group.Where)
            {
                html.Append(first ? string.Empty : "; ").Append("<b>").Append(E(cluster)).Append("</b>: ").AppendJoin(", ", where.Select(E));
                first = false;
            }

            html.Append("</p></details></td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private void AppendRemediation(StringBuilder html, ScanSummary summary)
    {
        if (_firstNoncompliant is not { } ns)
        {
            return;
        }

        var count = summary.NamespacesByStatus.TryGetValue(NamespaceStatus.NonCompliant, out var n) ? n : 0;
        var yaml = NetworkPolicyYaml.Write(PolicyTemplates.For(RemediationProfile.Baseline, ns, []));
        html.Append("<section class=\"remediation\" id=\"remediation\">\n<h2>Remediation for noncompliant namespaces</h2>\n<p class=\"muted\">")
            .Append(E($"{Num(count)} noncompliant {(count == 1 ? "namespace" : "namespaces")} (marked in their clusters). "))
            .Append("The baseline policy set (deny all, allow DNS to the cluster DNS, allow the namespace to talk to itself) is the same for each but for its <code>namespace:</code>; ")
            .Append("here for the first. Run <code>netpolgov remediate</code> to verify it against the cluster and preview the connections it would cut before applying.</p>\n")
            .Append("<details class=\"remediation\"><summary>").Append(E(ns)).Append(": baseline policies</summary>\n<pre>").Append(E(yaml)).Append("</pre>\n<p>Backout: <code>")
            .Append(E(PolicyTemplates.BackoutCommand(ns))).Append("</code></p></details>\n</section>\n");
    }

    private void AppendChecks(StringBuilder html)
    {
        if (_checks.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"checks\" id=\"checks\">\n<h2>Checks in this report</h2>\n<table><thead><tr><th>Check</th><th>Title</th><th>Fix</th><th>Benchmark</th></tr></thead><tbody>\n");
        foreach (var (id, finding) in _checks)
        {
            html.Append("<tr id=\"").Append(E(CheckAnchor(id))).Append("\"><td><code>").Append(E(id)).Append("</code></td><td>").Append(E(finding.Title)).Append("</td><td>")
                .Append(E(finding.Remediation.Length > 0 ? finding.Remediation : "–")).Append("</td><td>").Append(E(finding.Benchmark.Length > 0 ? finding.Benchmark : "–")).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n<p class=\"muted\">Every check: docs/checks.md.</p>\n</section>\n");
    }

    private static void AppendStatusBar(StringBuilder html, IReadOnlyDictionary<NamespaceStatus, int> counts, int total)
    {
        if (total == 0)
        {
            return;
        }

        html.Append("<div class=\"bar\" role=\"img\" aria-label=\"namespaces by status\">");
        var legend = new StringBuilder("<div class=\"legend\">");
        foreach (var status in HtmlClusterDetails.IndexStatuses)
        {
            var count = counts.TryGetValue(status, out var n) ? n : 0;
            var name = Lower(status);
            if (count > 0)
            {
                html.Append("<span class=\"fill-").Append(name).Append("\" style=\"width:")
                    .Append(((double)count / total * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).Append("%\" title=\"").Append(E($"{status}: {count}")).Append("\"></span>");
            }

            legend.Append("<span>").Append(Badge(status.ToString())).Append(' ').Append(Num(count)).Append("</span>");
        }

        html.Append("</div>\n").Append(legend).Append("</div>\n");
    }

    private static void Kpi(StringBuilder html, string label, string value, string sub, string id) =>
        html.Append("<div class=\"kpi\" id=\"").Append(id).Append("\"><div class=\"label\">").Append(E(label)).Append("</div><div class=\"value\">").Append(E(value))
            .Append("</div><div class=\"sub\">").Append(E(sub)).Append("</div></div>\n");

    private string Expiry(DateTimeOffset? expiresOn)
    {
        if (expiresOn is not { } expiry)
        {
            return Badge("Unknown", "no expiry");
        }

        var days = (int)Math.Floor((expiry - _now).TotalDays);
        var when = E(Day(expiry));
        return days < 0
            ? $"{when} {Badge("Fail", "expired")}"
            : days <= 30 ? $"{when} {Badge("Medium", $"in {Num(days)} days")}" : $"{when} <span class=\"muted\">in {Num(days)} days</span>";
    }

    private async Task WriteAsync(StringBuilder html, CancellationToken cancellationToken)
    {
        await _out.WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await _out.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
