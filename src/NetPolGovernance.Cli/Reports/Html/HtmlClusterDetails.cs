using System.Globalization;
using System.Text;
using NetPolGovernance.Analysis.Assessment;
using static NetPolGovernance.Cli.Reports.Html.HtmlText;

namespace NetPolGovernance.Cli.Reports.Html;

/// <summary>
/// One cluster of the HTML report as a <c>&lt;details&gt;</c> element, collapsed: its summary line is the cluster's
/// row of the cluster index (status, compliance, namespaces by status, pods, policies); opened, it shows the network
/// profile, the cluster checks, a table of the namespaces to act on (every namespace with a failing or unknown finding,
/// or a status other than compliant and exempt) with their findings under each, the compliant and the exempt
/// namespaces as compact lists, the observed flows when the scan read any, and the collector's notes. Every Fail,
/// Unknown and Exempt finding of the cluster is in it; a check's title, benchmark and fix are written once, in the
/// report's check table, and each finding links there.
/// </summary>
internal static class HtmlClusterDetails
{
    /// <summary>Values shown per evidence key; the rest are counted (the JSON report has them all).</summary>
    public const int MaxEvidenceValues = 4;

    /// <summary>Items shown per list of the observed flows table; the rest are counted.</summary>
    public const int MaxRuntimeItems = 10;

    /// <summary>The namespace columns of the index row, in order (the summary line and the index header).</summary>
    public static readonly NamespaceStatus[] IndexStatuses =
        [NamespaceStatus.Compliant, NamespaceStatus.NonCompliant, NamespaceStatus.Unenforced, NamespaceStatus.Exempt, NamespaceStatus.Unknown];

    /// <summary>Appends the cluster's details; records the first finding of each check in <paramref name="checks"/>.</summary>
    public static void Append(StringBuilder html, ClusterAssessment cluster, int number, IDictionary<string, Finding> checks)
    {
        html.Append("<details class=\"cluster\" id=\"").Append(ClusterAnchor(number)).Append("\"><summary class=\"row\"><span>").Append(E(cluster.Cluster.Name))
            .Append("</span><span>").Append(Badge(cluster.Status.ToString())).Append("</span>");
        var scanned = cluster.Status == ClusterScanStatus.Scanned;
        int Of(NamespaceStatus status) => cluster.Namespaces.Count(n => n.Status == status);
        var judged = cluster.Namespaces.Count - Of(NamespaceStatus.Exempt);
        html.Append("<span>").Append(scanned ? E(Percent(Of(NamespaceStatus.Compliant), judged)) : "n/a").Append("</span>");
        foreach (var status in IndexStatuses)
        {
            html.Append("<span>").Append(scanned ? Num(Of(status)) : "–").Append("</span>");
        }

        html.Append("<span>").Append(Num(cluster.PodCount)).Append("</span><span>").Append(Num(cluster.PolicyCount)).Append("</span></summary>\n<div class=\"body\">\n")
            .Append("<p class=\"facts\">").Append(Facts(cluster)).Append("</p>\n");
        if (cluster.StatusReason is { } reason)
        {
            html.Append("<p class=\"reason\"><b>Why ").Append(E(Lower(cluster.Status))).Append(":</b> ").Append(E(reason)).Append("</p>\n");
        }

        foreach (var finding in cluster.ClusterFindings.Concat(cluster.Namespaces.SelectMany(n => n.Findings)).Where(Shown))
        {
            checks.TryAdd(finding.CheckId, finding);
        }

        var clusterFindings = Order(cluster.ClusterFindings.Where(Shown)).ToList();
        if (clusterFindings.Count > 0)
        {
            html.Append("<h3>Cluster checks</h3>\n");
            AppendFindingList(html, clusterFindings);
            html.Append('\n');
        }

        var namespaces = cluster.Namespaces.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var act = namespaces.Where(NeedsAttention).ToList();
        if (act.Count > 0)
        {
            AppendNamespaceTable(html, act, RepeatedFindings(act));
        }
        else if (scanned && clusterFindings.Count == 0)
        {
            html.Append("<p class=\"muted\">No failing or unknown finding.</p>\n");
        }

        var compliant = namespaces.Where(n => n.Status == NamespaceStatus.Compliant && !NeedsAttention(n)).ToList();
        if (compliant.Count > 0)
        {
            html.Append("<p class=\"compact\"><b>Compliant (").Append(Num(compliant.Count)).Append("):</b> ")
                .AppendJoin(", ", compliant.Select(n => E(n.Name) + (n.System ? " (system)" : string.Empty))).Append("</p>\n");
        }

        var exempt = namespaces.Where(n => n.Status == NamespaceStatus.Exempt && !NeedsAttention(n)).ToList();
        if (exempt.Count > 0)
        {
            html.Append("<p class=\"compact\"><b>Exempt (").Append(Num(exempt.Count)).Append("):</b> ").AppendJoin(", ", exempt.Select(ExemptText)).Append("</p>\n");
        }

        if (cluster.Namespaces.Any(n => n.Runtime is { Connections: > 0 }))
        {
            AppendRuntime(html, cluster);
        }

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

        html.Append("</div></details>\n");
    }

    /// <summary>The findings the report shows: failing, unknown and exempt (passing and not applicable ones are only counted).</summary>
    public static bool Shown(Finding finding) => finding.Result is CheckResult.Fail or CheckResult.Unknown or CheckResult.Exempt;

    /// <summary>A namespace gets a row of the table (not a compact list): a failing or unknown finding, or a status to act on.</summary>
    private static bool NeedsAttention(NamespaceAssessment ns) =>
        ns.Status is not (NamespaceStatus.Compliant or NamespaceStatus.Exempt) || ns.Findings.Any(f => f.Result is CheckResult.Fail or CheckResult.Unknown);

    /// <summary>Failing first, then unknown, then exempt; the most severe first; then by check.</summary>
    private static IEnumerable<Finding> Order(IEnumerable<Finding> findings) => findings
        .OrderBy(f => f.Result switch { CheckResult.Fail => 0, CheckResult.Unknown => 1, _ => 2 })
        .ThenByDescending(f => f.Severity)
        .ThenBy(f => f.CheckId, StringComparer.Ordinal);

    /// <summary>
    /// The findings that read the same in two or more namespaces of the table (same check, result, severity, gating and
    /// message, no evidence): each is written once above the table, and a namespace's list names only its check.
    /// </summary>
    private static List<Finding> RepeatedFindings(IReadOnlyList<NamespaceAssessment> namespaces) =>
        [.. Order(namespaces
            .SelectMany(n => n.Findings.Where(f => Shown(f) && f.Evidence.Count == 0 && f.Result != CheckResult.Exempt))
            .GroupBy(SameText)
            .Where(g => g.Count() > 1)
            .Select(g => g.First()))];

    private static (string, CheckResult, Severity, bool, string) SameText(Finding f) => (f.CheckId, f.Result, f.Severity, f.InProfile, f.Message);

    private static void AppendNamespaceTable(StringBuilder html, IReadOnlyList<NamespaceAssessment> namespaces, List<Finding> repeated)
    {
        html.Append("<h3>Namespaces to act on</h3>\n");
        var common = repeated.Select(SameText).ToHashSet();
        if (repeated.Count > 0)
        {
            html.Append("<p class=\"muted\">Findings that read the same in several namespaces, written once; each namespace below names them by check:</p>");
            AppendFindingList(html, repeated);
            html.Append('\n');
        }

        html.Append("<table class=\"namespaces\"><thead><tr><th>Namespace</th><th>Status</th><th>Owner</th><th class=\"num\">Pods</th><th class=\"num\">Policies</th>")
            .Append("<th>Default deny</th><th>Allow-all</th><th class=\"num\">Isolated pods (in / out)</th><th class=\"num\">Dead policies</th></tr></thead><tbody>\n");
        foreach (var ns in namespaces)
        {
            html.Append("<tr><td>").Append(E(ns.Name)).Append(ns.System ? " <span class=\"muted\">(system)</span>" : string.Empty).Append("</td><td>").Append(Badge(ns.Status.ToString()))
                .Append("</td><td>").Append(E(ns.Owner ?? "–")).Append("</td><td class=\"num\">").Append(Num(ns.PodCount)).Append("</td><td class=\"num\">").Append(Num(ns.PolicyNames.Count))
                .Append("</td><td>").Append(Directions(ns.DefaultDenyIngress, ns.DefaultDenyEgress)).Append("</td><td>").Append(Directions(ns.AllowAllIngress, ns.AllowAllEgress))
                .Append("</td><td class=\"num\">").Append(Num(ns.IngressIsolatedPods.Count)).Append(" / ").Append(Num(ns.EgressIsolatedPods.Count))
                .Append("</td><td class=\"num\">").Append(Num(ns.DeadPolicies.Count)).Append("</td></tr>\n");
            var findings = Order(ns.Findings.Where(Shown)).ToList();
            if (findings.Count > 0)
            {
                html.Append("<tr class=\"f\"><td colspan=\"9\">");
                var named = findings.Where(f => common.Contains(SameText(f))).ToList();
                if (named.Count > 0)
                {
                    html.Append("<p class=\"named\">").AppendJoin(" ", named.Select(f => $"<a class=\"s-{E(f.Severity.ToString().ToLowerInvariant())}\" href=\"#{E(CheckAnchor(f.CheckId))}\">{E(f.CheckId)}</a>")).Append("</p>");
                }

                var rest = findings.Where(f => !common.Contains(SameText(f))).ToList();
                if (rest.Count > 0)
                {
                    AppendFindingList(html, rest);
                }

                html.Append("</td></tr>\n");
            }
        }

        html.Append("</tbody></table>\n");
    }

    /// <summary>
    /// <c>badge check message evidence</c>; a finding the profile does not gate on is marked <c>info</c>, an exempt one
    /// says whose exemption covers it.
    /// </summary>
    private static void AppendFindingList(StringBuilder html, IEnumerable<Finding> findings)
    {
        html.Append("<ul class=\"findings\">");
        foreach (var finding in findings)
        {
            AppendFinding(html, finding);
        }

        html.Append("</ul>");
    }

    private static void AppendFinding(StringBuilder html, Finding finding)
    {
        html.Append(finding.Result == CheckResult.Exempt ? "<li class=\"exempt\">" : finding.InProfile ? "<li>" : "<li class=\"info\">");
        if (finding.Result != CheckResult.Fail)
        {
            html.Append(Badge(finding.Result.ToString())).Append(' ');
        }

        // Inside a findings list the badge and link styles come from the list (ul.findings b, ul.findings a): short markup.
        var severity = finding.Severity.ToString();
        html.Append("<b class=\"s-").Append(E(severity.ToLowerInvariant())).Append("\">").Append(E(severity)).Append("</b> <a href=\"#").Append(E(CheckAnchor(finding.CheckId))).Append("\">").Append(E(finding.CheckId)).Append("</a> ");
        if (finding.Result == CheckResult.Exempt)
        {
            html.Append(E($"exempt by {finding.ExemptionOwner ?? "unknown"}: {finding.ExemptionReason ?? "no reason given"}"))
                .Append(finding.ExemptionExpiresOn is { } expires ? E($", until {Day(expires)}") : ", no expiry").Append("</li>");
            return;
        }

        html.Append(E(finding.Message));
        if (!finding.InProfile)
        {
            html.Append(" <i>info</i>");
        }

        if (finding.Evidence.Count > 0)
        {
            html.Append("<div class=\"evidence\">");
            var first = true;
            foreach (var (key, values) in finding.Evidence)
            {
                html.Append(first ? string.Empty : "; ").Append("<b>").Append(E(key)).Append("</b>: ").AppendJoin(", ", values.Take(MaxEvidenceValues).Select(E));
                if (values.Count > MaxEvidenceValues)
                {
                    html.Append(" (+").Append(Num(values.Count - MaxEvidenceValues)).Append(" more)");
                }

                first = false;
            }

            html.Append("</div>");
        }

        html.Append("</li>");
    }

    /// <summary><c>kube-system (NPG-N01, NPG-N02: platform, platform-managed)</c>.</summary>
    private static string ExemptText(NamespaceAssessment ns)
    {
        var exempt = ns.Findings.Where(f => f.Result == CheckResult.Exempt).ToList();
        var name = E(ns.Name);
        if (exempt.Count == 0)
        {
            return name;
        }

        var why = exempt.GroupBy(f => (f.ExemptionOwner ?? "unknown", f.ExemptionReason ?? "no reason given"))
            .Select(g => $"{string.Join(", ", g.Select(f => f.CheckId).Distinct().Order(StringComparer.Ordinal))}: {g.Key.Item1}, {g.Key.Item2}")
            .Order(StringComparer.Ordinal);
        return $"{name} <span class=\"muted\">({E(string.Join("; ", why))})</span>";
    }

    /// <summary>The runtime proof per namespace (docs/flows.md), as the table report's "Observed flows".</summary>
    private static void AppendRuntime(StringBuilder html, ClusterAssessment cluster)
    {
        var namespaces = cluster.Namespaces.Where(n => n.Runtime is { Connections: > 0 }).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        html.Append("<h3>Observed flows</h3>\n");
        if (namespaces.Select(n => n.Runtime!.Window).FirstOrDefault(w => w is not null) is { } window)
        {
            html.Append("<p class=\"muted\">").Append(E($"Flows seen from {Time(window.From)} to {Time(window.To)}. ")).Append("Policy hits: events matched by the policy's rules / credited to it by the dataplane. ")
                .Append("Contradictions: connections forwarded into pods whose ingress policies deny them (NPG-N13).</p>\n");
        }

        html.Append("<table class=\"runtime\"><thead><tr><th>Namespace</th><th class=\"num\">Connections</th><th class=\"num\">Forwarded in / out</th><th class=\"num\">Dropped</th>")
            .Append("<th>Contradictions</th><th>Policy hits</th><th>Unused allow rules</th><th>Allow-all carrying traffic</th><th>Drops by owner</th></tr></thead><tbody>\n");
        foreach (var ns in namespaces)
        {
            var r = ns.Runtime!;
            html.Append("<tr><td>").Append(E(ns.Name));
            if (r.UnverifiedCount > 0 || r.Unmatched > 0)
            {
                html.Append("<div class=\"evidence\">").Append(E($"{Num(r.UnverifiedCount)} unverified, {Num(r.Unmatched)} to pods no longer there")).Append("</div>");
            }

            html.Append("</td><td class=\"num\">").Append(Num(r.Connections)).Append("</td><td class=\"num\">").Append(Num(r.IngressForwarded)).Append(" / ").Append(Num(r.EgressForwarded))
                .Append("</td><td class=\"num\">").Append(Num(r.Dropped)).Append("</td><td>");
            if (r.ContradictionCount == 0)
            {
                html.Append('0');
            }
            else
            {
                html.Append(Badge("Fail", Num(r.ContradictionCount))).Append(' ');
                AppendFew(html, r.Contradictions.Select(c => $"{c.From} → {c.To} {c.Port.ToString(CultureInfo.InvariantCulture)}/{c.Protocol} ×{Num(c.Forwarded)} ({c.Decision})"), r.ContradictionCount);
            }

            html.Append("</td><td>");
            AppendFew(html, r.PolicyHits.Select(h => $"{h.Policy} {(h.Matched is { } m ? Num(m) : "–")} / {Num(h.Reported)}"), r.PolicyHits.Count);
            html.Append("</td><td>");
            AppendFew(html, r.UnusedRules, r.UnusedRules.Count);
            html.Append("</td><td>");
            AppendFew(html, r.AllowAllCarryingTraffic.Select(h => $"{h.Policy} {Num(h.Matched ?? h.Reported)}"), r.AllowAllCarryingTraffic.Count);
            html.Append("</td><td>");
            AppendFew(html, r.DropsByOwner.Select(d => $"{d.Owner} {Num(d.Ingress)} in / {Num(d.Egress)} out"), r.DropsByOwner.Count);
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    /// <summary>The first <see cref="MaxRuntimeItems"/> items, one a line, then how many more of <paramref name="total"/>.</summary>
    private static void AppendFew(StringBuilder html, IEnumerable<string> items, int total)
    {
        var shown = items.Take(MaxRuntimeItems).ToList();
        if (shown.Count == 0)
        {
            html.Append('–');
            return;
        }

        html.AppendJoin("<br>", shown.Select(E));
        if (total > shown.Count)
        {
            html.Append("<br><span class=\"muted\">+").Append(Num(total - shown.Count)).Append(" more</span>");
        }
    }

    private static string Facts(ClusterAssessment cluster)
    {
        var parts = new List<string>();
        var profile = cluster.NetworkProfile;
        if (profile is not null)
        {
            parts.Add($"<b>network plugin</b> {E(profile.NetworkPlugin ?? "unknown")}");
            parts.Add($"<b>networkPolicy</b> {E(profile.NetworkPolicy ?? "absent")}");
            if (profile.NetworkDataplane is { } dataplane)
            {
                parts.Add($"<b>dataplane</b> {E(dataplane)}");
            }
        }

        parts.Add($"<b>policy engine</b> <span class=\"engine\">{E(EngineText.Label(cluster.Engine))}</span> ({E(cluster.Engine.Basis)})");
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
}
