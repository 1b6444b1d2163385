using System.Globalization;
using System.Net;
using System.Text;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Remediation;

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
/// Streams the report for managers and auditors. Each cluster section (namespaces, findings with evidence, exemptions,
/// remediation snippets) is written as the cluster completes; the fleet summary (totals, compliance by cluster, Unknown
/// clusters and why, exemptions and expiry) is written last and shown first through CSS flex order, so memory holds
/// one small row per cluster and per exemption, never the fleet. Every value is HTML-encoded.
/// </summary>
internal sealed class HtmlReportWriter : IReportWriter
{
    private const int MaxEvidenceValues = 12;

    private readonly StreamWriter _out;
    private readonly List<ClusterRow> _clusters = [];
    private readonly List<ExemptionRow> _exemptions = [];
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

    public async Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var index = _clusters.Count + 1;
        var anchor = string.Create(CultureInfo.InvariantCulture, $"cluster-{index}");
        var byStatus = cluster.Namespaces.GroupBy(n => n.Status).ToDictionary(g => g.Key, g => g.Count());
        _clusters.Add(new ClusterRow(anchor, cluster.Cluster.Name, cluster.Status, cluster.StatusReason, byStatus, cluster.PodCount, cluster.PolicyCount));

        var html = new StringBuilder();
        html.Append("<section class=\"cluster\" id=\"").Append(anchor).Append("\">\n<h2>").Append(E(cluster.Cluster.Name)).Append(' ')
            .Append(Badge(cluster.Status.ToString())).Append("</h2>\n");
        html.Append("<p class=\"facts\">").Append(Facts(cluster)).Append("</p>\n");
        if (cluster.StatusReason is { } reason)
        {
            html.Append("<p class=\"reason\"><b>Why ").Append(E(Lower(cluster.Status))).Append(":</b> ").Append(E(reason)).Append("</p>\n");
        }

        AppendNamespaces(html, cluster);
        AppendFindings(html, cluster);
        AppendExemptions(html, cluster);
        AppendRemediation(html, cluster);
        if (cluster.Notes.Count > 0 || cluster.InvisibleKinds.Count > 0)
        {
            html.Append("<h3>Collector notes</h3>\n<ul class=\"evidence\">");
            foreach (var invisible in cluster.InvisibleKinds)
            {
                html.Append("<li>").Append(E($"{invisible.Kind} ({invisible.ApiGroup}) could not be read: {invisible.Reason}")).Append("</li>");
            }

            foreach (var note in cluster.Notes)
            {
                html.Append("<li>").Append(E(note)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n");
        await WriteAsync(html, cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var html = new StringBuilder();
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

        html.Append("<h3>Compliance by cluster</h3>\n<table id=\"compliance-by-cluster\"><thead><tr><th>Cluster</th><th>Scan</th><th class=\"num\">Compliance</th>")
            .Append("<th class=\"num\">Compliant</th><th class=\"num\">Noncompliant</th><th class=\"num\">Unenforced</th><th class=\"num\">Exempt</th><th class=\"num\">Unknown</th>")
            .Append("<th class=\"num\">Pods</th><th class=\"num\">Policies</th></tr></thead><tbody>\n");
        foreach (var row in _clusters)
        {
            int Of(NamespaceStatus status) => row.ByStatus.TryGetValue(status, out var n) ? n : 0;
            var rowJudged = row.ByStatus.Values.Sum() - Of(NamespaceStatus.Exempt);
            html.Append("<tr><td><a href=\"#").Append(row.Anchor).Append("\">").Append(E(row.Name)).Append("</a></td><td>").Append(Badge(row.Status.ToString())).Append("</td>")
                .Append("<td class=\"num\">").Append(row.Status == ClusterScanStatus.Scanned ? E(Percent(Of(NamespaceStatus.Compliant), rowJudged)) : "n/a").Append("</td>");
            foreach (var status in (ReadOnlySpan<NamespaceStatus>)[NamespaceStatus.Compliant, NamespaceStatus.NonCompliant, NamespaceStatus.Unenforced, NamespaceStatus.Exempt, NamespaceStatus.Unknown])
            {
                html.Append("<td class=\"num\">").Append(Num(Of(status))).Append("</td>");
            }

            html.Append("<td class=\"num\">").Append(Num(row.Pods)).Append("</td><td class=\"num\">").Append(Num(row.Policies)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");

        var unknown = _clusters.Where(c => c.Status != ClusterScanStatus.Scanned).ToList();
        html.Append("<h3>Clusters not scanned and why</h3>\n");
        if (unknown.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"unknown-clusters\">Every cluster was scanned.</p>\n");
        }
        else
        {
            html.Append("<table id=\"unknown-clusters\"><thead><tr><th>Cluster</th><th>Status</th><th>Reason (what to fix)</th></tr></thead><tbody>\n");
            foreach (var row in unknown)
            {
                html.Append("<tr><td>").Append(E(row.Name)).Append("</td><td>").Append(Badge(row.Status.ToString())).Append("</td><td>").Append(E(row.Reason ?? "no reason given")).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n<p class=\"muted\">A cluster that could not be read is never counted as compliant.</p>\n");
        }

        html.Append("<h3>Exemptions and expiry</h3>\n");
        if (_exemptions.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"exemptions\">No finding is covered by an exemption.</p>\n");
        }
        else
        {
            html.Append("<table id=\"exemptions\"><thead><tr><th>Cluster</th><th>Namespace</th><th>Check</th><th>Owner</th><th>Reason</th><th>Expires</th></tr></thead><tbody>\n");
            foreach (var row in _exemptions.OrderBy(r => r.ExpiresOn ?? DateTimeOffset.MaxValue).ThenBy(r => r.Cluster, StringComparer.Ordinal))
            {
                html.Append("<tr><td>").Append(E(row.Cluster)).Append("</td><td>").Append(E(row.Namespace ?? "(cluster)")).Append("</td><td>").Append(E(row.CheckId))
                    .Append("</td><td>").Append(E(row.Owner ?? "unknown")).Append("</td><td>").Append(E(row.Reason)).Append("</td><td>").Append(Expiry(row.ExpiresOn)).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        foreach (var message in summary.SinkMessages)
        {
            html.Append("<p class=\"muted\">").Append(E(message)).Append("</p>\n");
        }

        html.Append("<p class=\"muted\">Compliance = compliant namespaces ÷ (all namespaces − exempt). Unknown and unenforced namespaces count as not compliant. ")
            .Append("Checks and statuses: docs/checks.md.</p>\n</section>\n</main>\n<footer>Generated by netpolgov. Self-contained report: no scripts, no external resources.</footer>\n</body>\n</html>\n");
        await WriteAsync(html, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _out.FlushAsync().ConfigureAwait(false);
        await _out.DisposeAsync().ConfigureAwait(false);
    }

    private static void AppendNamespaces(StringBuilder html, ClusterAssessment cluster)
    {
        if (cluster.Namespaces.Count == 0)
        {
            return;
        }

        html.Append("<h3>Namespaces</h3>\n<table class=\"namespaces\"><thead><tr><th>Namespace</th><th>Status</th><th>Owner</th><th class=\"num\">Pods</th><th class=\"num\">Policies</th>")
            .Append("<th>Default deny</th><th>Allow-all</th><th class=\"num\">Isolated pods (in / out)</th><th class=\"num\">Dead policies</th></tr></thead><tbody>\n");
        foreach (var ns in cluster.Namespaces.OrderBy(n => Attention(n.Status)).ThenBy(n => n.Name, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(E(ns.Name)).Append(ns.System ? " <span class=\"muted\">(system)</span>" : string.Empty).Append("</td><td>").Append(Badge(ns.Status.ToString()))
                .Append("</td><td>").Append(E(ns.Owner ?? "–")).Append("</td><td class=\"num\">").Append(Num(ns.PodCount)).Append("</td><td class=\"num\">").Append(Num(ns.PolicyNames.Count))
                .Append("</td><td>").Append(E(Directions(ns.DefaultDenyIngress, ns.DefaultDenyEgress))).Append("</td><td>").Append(E(Directions(ns.AllowAllIngress, ns.AllowAllEgress)))
                .Append("</td><td class=\"num\">").Append(E(string.Create(CultureInfo.InvariantCulture, $"{ns.IngressIsolatedPods.Count} / {ns.EgressIsolatedPods.Count}")))
                .Append("</td><td class=\"num\">").Append(Num(ns.DeadPolicies.Count)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void AppendFindings(StringBuilder html, ClusterAssessment cluster)
    {
        var findings = cluster.ClusterFindings.Concat(cluster.Namespaces.SelectMany(n => n.Findings))
            .Where(f => f.Result is CheckResult.Fail or CheckResult.Exempt or CheckResult.Unknown)
            .OrderByDescending(f => f.Result == CheckResult.Fail).ThenByDescending(f => f.Severity).ThenBy(f => f.Namespace, StringComparer.Ordinal).ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ToList();
        if (findings.Count == 0 && cluster.Status != ClusterScanStatus.Scanned)
        {
            return; // The reason box already says why nothing was judged.
        }

        html.Append("<h3>Findings</h3>\n");
        if (findings.Count == 0)
        {
            html.Append("<p class=\"muted\">No failing, exempt or unknown check.</p>\n");
            return;
        }

        html.Append("<table class=\"findings\"><thead><tr><th>Check</th><th>Severity</th><th>Result</th><th>Namespace</th><th>Finding and evidence</th><th>Benchmark</th></tr></thead><tbody>\n");
        foreach (var finding in findings)
        {
            html.Append("<tr><td><code>").Append(E(finding.CheckId)).Append("</code><br><span class=\"muted\">").Append(E(finding.Title)).Append("</span></td><td>")
                .Append(Badge(finding.Severity.ToString())).Append("</td><td>").Append(Badge(finding.Result.ToString())).Append("</td><td>").Append(E(finding.Namespace ?? "(cluster)"))
                .Append("</td><td>").Append(E(finding.Message));
            if (finding.Evidence.Count > 0)
            {
                html.Append("<ul class=\"evidence\">");
                foreach (var (key, values) in finding.Evidence)
                {
                    var shown = string.Join(", ", values.Take(MaxEvidenceValues));
                    var more = values.Count > MaxEvidenceValues ? string.Create(CultureInfo.InvariantCulture, $" (+{values.Count - MaxEvidenceValues} more)") : string.Empty;
                    html.Append("<li><b>").Append(E(key)).Append("</b>: ").Append(E(shown + more)).Append("</li>");
                }

                html.Append("</ul>");
            }

            if (!string.IsNullOrEmpty(finding.Remediation))
            {
                html.Append("<div class=\"muted\">Fix: ").Append(E(finding.Remediation)).Append("</div>");
            }

            html.Append("</td><td>").Append(E(finding.Benchmark.Length > 0 ? finding.Benchmark : "–")).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private void AppendExemptions(StringBuilder html, ClusterAssessment cluster)
    {
        var exempt = cluster.ClusterFindings.Concat(cluster.Namespaces.SelectMany(n => n.Findings)).Where(f => f.Result == CheckResult.Exempt).ToList();
        foreach (var finding in exempt)
        {
            _exemptions.Add(new ExemptionRow(cluster.Cluster.Name, finding.Namespace, finding.CheckId, finding.ExemptionOwner, finding.ExemptionReason ?? "no reason given", finding.ExemptionExpiresOn));
        }
    }

    private static void AppendRemediation(StringBuilder html, ClusterAssessment cluster)
    {
        var noncompliant = cluster.Namespaces.Where(n => n.Status == NamespaceStatus.NonCompliant).Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
        if (noncompliant.Count == 0)
        {
            return;
        }

        html.Append("<h3>Remediation for noncompliant namespaces</h3>\n<p class=\"muted\">The baseline policy set (deny all, allow DNS to the cluster DNS, allow the namespace to talk to itself). ")
            .Append("Run <code>netpolgov remediate</code> to verify it against the cluster and preview the connections it would cut before applying.</p>\n");
        foreach (var ns in noncompliant)
        {
            var yaml = NetworkPolicyYaml.Write(PolicyTemplates.For(RemediationProfile.Baseline, ns, []));
            html.Append("<details class=\"remediation\"><summary>").Append(E(ns)).Append(": baseline policies</summary>\n<pre>").Append(E(yaml)).Append("</pre>\n<p>Backout: <code>")
                .Append(E(PolicyTemplates.BackoutCommand(ns))).Append("</code></p></details>\n");
        }
    }

    private static void AppendStatusBar(StringBuilder html, IReadOnlyDictionary<NamespaceStatus, int> counts, int total)
    {
        if (total == 0)
        {
            return;
        }

        html.Append("<div class=\"bar\" role=\"img\" aria-label=\"namespaces by status\">");
        var legend = new StringBuilder("<div class=\"legend\">");
        foreach (var status in (ReadOnlySpan<NamespaceStatus>)[NamespaceStatus.Compliant, NamespaceStatus.NonCompliant, NamespaceStatus.Unenforced, NamespaceStatus.Exempt, NamespaceStatus.Unknown])
        {
            var count = counts.TryGetValue(status, out var n) ? n : 0;
            var name = Lower(status);
            if (count > 0)
            {
                html.Append("<span class=\"fill-").Append(name).Append("\" style=\"width:")
                    .Append(((double)count / total * 100).ToString("0.##", CultureInfo.InvariantCulture)).Append("%\" title=\"").Append(E($"{status}: {count}")).Append("\"></span>");
            }

            legend.Append("<span>").Append(Badge(status.ToString())).Append(' ').Append(Num(count)).Append("</span>");
        }

        html.Append("</div>\n").Append(legend).Append("</div>\n");
    }

    private static void Kpi(StringBuilder html, string label, string value, string sub, string id) =>
        html.Append("<div class=\"kpi\" id=\"").Append(id).Append("\"><div class=\"label\">").Append(E(label)).Append("</div><div class=\"value\">").Append(E(value))
            .Append("</div><div class=\"sub\">").Append(E(sub)).Append("</div></div>\n");

    private static string Facts(ClusterAssessment cluster)
    {
        var parts = new List<string>();
        var profile = cluster.NetworkProfile;
        if (profile is not null)
        {
            parts.Add($"<b>network plugin</b> {E(profile.NetworkPlugin ?? "unknown")}");
            parts.Add($"<b>policy engine</b> {E(profile.NetworkPolicy ?? "unknown")}");
            if (profile.NetworkDataplane is { } dataplane)
            {
                parts.Add($"<b>dataplane</b> {E(dataplane)}");
            }
        }

        if (cluster.Cluster.KubernetesVersion is { } version)
        {
            parts.Add($"<b>Kubernetes</b> {E(version)}");
        }

        if (cluster.Cluster.SubscriptionId is { } subscription)
        {
            parts.Add($"<b>subscription</b> {E(subscription)}");
        }

        parts.Add($"<b>read through</b> {E(Access(cluster.AccessPath))}");
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"<b>{cluster.Namespaces.Count}</b> namespaces, <b>{cluster.PodCount}</b> pods, <b>{cluster.PolicyCount}</b> policies"));
        return string.Join(" · ", parts);
    }

    private string Expiry(DateTimeOffset? expiresOn)
    {
        if (expiresOn is not { } expiry)
        {
            return Badge("Unknown", "no expiry");
        }

        var days = (int)Math.Floor((expiry - _now).TotalDays);
        var when = E(expiry.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return days < 0
            ? $"{when} {Badge("Fail", "expired")}"
            : days <= 30 ? $"{when} {Badge("Medium", string.Create(CultureInfo.InvariantCulture, $"in {days} days"))}" : $"{when} <span class=\"muted\">in {days.ToString(CultureInfo.InvariantCulture)} days</span>";
    }

    // Problems first: what a reader must act on, then what is waived, then what is fine.
    private static int Attention(NamespaceStatus status) => status switch
    {
        NamespaceStatus.NonCompliant => 0,
        NamespaceStatus.Unenforced => 1,
        NamespaceStatus.Unknown => 2,
        NamespaceStatus.Exempt => 3,
        _ => 4,
    };

    private static string Access(AccessPath path) => path switch
    {
        AccessPath.Manifests => "manifests",
        AccessPath.Kubeconfig => "kubeconfig",
        AccessPath.AksEntraToken => "AKS with an Entra ID token",
        AccessPath.AksLocalAccount => "AKS local account",
        AccessPath.RunCommand => "AKS runCommand",
        _ => "not read",
    };

    private static string Directions(bool ingress, bool egress) => (ingress, egress) switch
    {
        (true, true) => "ingress, egress",
        (true, false) => "ingress",
        (false, true) => "egress",
        _ => "none",
    };

    private static string Badge(string status, string? text = null) =>
        $"<span class=\"badge s-{E(status.ToLowerInvariant())}\">{E(text ?? Label(status))}</span>";

    private static string Label(string status) => status switch
    {
        "NonCompliant" or "noncompliant" => "Noncompliant",
        "NotApplicable" => "Not applicable",
        _ => status.Length > 0 ? char.ToUpperInvariant(status[0]) + status[1..] : status,
    };

    private static string Percent(int part, int whole) =>
        whole == 0 ? "n/a" : ((double)part / whole).ToString("0.#%", CultureInfo.InvariantCulture);

    private static string Num(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private async Task WriteAsync(StringBuilder html, CancellationToken cancellationToken)
    {
        await _out.WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await _out.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record ClusterRow(string Anchor, string Name, ClusterScanStatus Status, string? Reason, IReadOnlyDictionary<NamespaceStatus, int> ByStatus, int Pods, int Policies);

    private sealed record ExemptionRow(string Cluster, string? Namespace, string CheckId, string? Owner, string Reason, DateTimeOffset? ExpiresOn);
}
