using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Cli.Reports.Html;
using NetPolGovernance.Cli.Reports.Summary;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Reports;

/// <summary>
/// The HTML report at fleet size (docs/remediation.md, "--format html"): the summary before the clusters, exemptions
/// grouped, each finding in its cluster's details, owners rolled up, the runtime proof shown, and a size that grows
/// with what is wrong, not with the fleet; and the summary report's "By owner".
/// </summary>
public sealed class HtmlFleetReportTests
{
    [Fact]
    public async Task Write_SampleFleet_SummaryComesBeforeTheClusterDetails()
    {
        var html = await WriteAsync(SampleReport.Clusters);

        var summary = html.IndexOf("<section class=\"summary\" id=\"summary\">", StringComparison.Ordinal);
        var worst = html.IndexOf("<table id=\"worst-namespaces\">", StringComparison.Ordinal);
        var owners = html.IndexOf("<table id=\"owners\">", StringComparison.Ordinal);
        var clusters = html.IndexOf("<section class=\"clusters\" id=\"clusters\">", StringComparison.Ordinal);
        var firstDetails = html.IndexOf("<details class=\"cluster\"", StringComparison.Ordinal);
        Assert.True(summary > 0 && summary < worst && worst < owners && owners < clusters && clusters < firstDetails, $"{summary} {worst} {owners} {clusters} {firstDetails}");
        Assert.DoesNotContain("<details class=\"cluster\" id=\"cluster-1\" open", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ThreeClustersExemptingTheirPlatformNamespaces_OneRowPerOwnerReasonAndCheck_WithCounts()
    {
        // Arrange: every cluster exempts kube-system (N01, N02) and kube-public (N01) for platform.
        var clusters = Enumerable.Range(1, 3).Select(i => ReportFixtures.Cluster("sub-a", $"aks-{i}", "one", []) with
        {
            Namespaces =
            [
                ExemptNamespace("kube-public", "NPG-N01"),
                ExemptNamespace("kube-system", "NPG-N01", "NPG-N02"),
            ],
        }).ToList();

        // Act
        var html = await WriteAsync(clusters);

        // Assert
        var table = Between(html, "<table id=\"exemptions\">", "</table>");
        var rows = Regex.Matches(table, "<tr><td>platform</td><td>platform-managed</td><td><a class=\"check\" href=\"#check-(NPG-N\\d+)\">.*?</a></td><td class=\"num\">(\\d+)</td>.*?<summary>([^<]*)</summary><p class=\"where\">(.*?)</p>")
            .Select(m => (Check: m.Groups[1].Value, Findings: m.Groups[2].Value, Summary: m.Groups[3].Value, Where: m.Groups[4].Value))
            .ToList();
        Assert.Equal(2, Regex.Count(table, "<tr><td>"));
        Assert.Equal(("NPG-N01", "6", "3 clusters, 6 namespaces"), (rows[0].Check, rows[0].Findings, rows[0].Summary));
        Assert.Equal("<b>aks-1</b>: kube-public, kube-system; <b>aks-2</b>: kube-public, kube-system; <b>aks-3</b>: kube-public, kube-system", rows[0].Where);
        Assert.Equal(("NPG-N02", "3", "3 clusters, 3 namespaces"), (rows[1].Check, rows[1].Findings, rows[1].Summary));
        Assert.Contains("9 exempt findings in 2 groups", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_SampleFleet_EachFailingFindingIsInsideItsClustersDetails()
    {
        var html = await WriteAsync(SampleReport.Clusters);

        var prod = Between(html, "<details class=\"cluster\" id=\"cluster-1\">", "</details>\n");
        var dev = Between(html, "<details class=\"cluster\" id=\"cluster-2\">", "</details>\n");
        Assert.Contains("No NetworkPolicy selects any of the 31 pods.", prod, StringComparison.Ordinal);
        Assert.Contains("href=\"#check-NPG-N01\"", prod, StringComparison.Ordinal);
        Assert.DoesNotContain("3 policies, but the cluster enforces none of them.", prod, StringComparison.Ordinal);
        Assert.Contains("3 policies, but the cluster enforces none of them.", dev, StringComparison.Ordinal);
        Assert.Contains("networkProfile.networkPolicy is none: NetworkPolicies are not enforced.", dev, StringComparison.Ordinal);
        Assert.Contains("<p class=\"compact\"><b>Compliant (1):</b> payments</p>", prod, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"check-NPG-N09\"><td><code>NPG-N09</code></td><td>Policies exist but are not enforced</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_SampleFleet_OwnersRolledUp_ByName_NoOwnerLast()
    {
        var html = await WriteAsync(SampleReport.Clusters);

        var table = Between(html, "<table id=\"owners\">", "</table>");
        var rows = Regex.Matches(table, "<tr><td>([^<]*)</td>((?:<td class=\"num\">\\d+</td>)+)</tr>")
            .Select(m => $"{m.Groups[1].Value}|{string.Join(",", Regex.Matches(m.Groups[2].Value, "\\d+").Select(n => n.Value))}")
            .ToList();

        // namespaces, compliant, noncompliant, unenforced, exempt, unknown, clusters
        Assert.Equal(
            [
                "&lt;script&gt;alert(&#39;owner&#39;)&lt;/script&gt;|1,0,1,0,0,0,1",
                "team-data|1,0,0,0,1,0,1",
                "team-payments|1,1,0,0,0,0,1",
                "team-web|1,0,0,1,0,0,1",
                "(no owner)|1,0,0,0,1,0,1",
            ],
            rows);
    }

    [Fact]
    public async Task Scan_SampleManifestsWithFlows_Html_ShowsTheObservedFlowsInTheClustersDetails()
    {
        using var directory = new TempDirectory();
        var output = Path.Combine(directory.Path, "report.html");
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--manifests", CliHarness.SamplesPath("manifests"), "--flows", CliHarness.SamplesPath("flows", "shop-hubble.jsonl"), "-o", output);

        var html = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        var details = Between(html, "<details class=\"cluster\" id=\"cluster-1\">", "</details>\n");
        var runtime = Between(details, "<h3>Observed flows</h3>", "</table>");
        var shop = Between(runtime, "<tr><td>shop", "</tr>");
        Assert.Contains("shop/allow-frontend-to-api ", shop, StringComparison.Ordinal);
        Assert.Matches("<td class=\"num\">[1-9][0-9,]* / [0-9,]+</td>", shop);
        Assert.Contains("<th>Unused allow rules</th><th>Allow-all carrying traffic</th><th>Drops by owner</th>", runtime, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanSimulatedFleet100_Html_StaysBelowABoundFromWhatItMustShow()
    {
        // Arrange: the JSON of the same seeded fleet counts what the page must carry.
        string[] Args(string format, string output) =>
            ["scan", "--simulated-fleet", "100", "--sim-latency-ms", "0", "--format", format, "-o", output];
        using var directory = new TempDirectory();
        var json = Path.Combine(directory.Path, "fleet.json");
        var html = Path.Combine(directory.Path, "fleet.html");
        using (var cli = new CliHarness())
        {
            await cli.RunAsync(Args("json", json));
        }

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken));
        var clusters = report.RootElement.GetProperty("clusters").EnumerateArray().ToList();
        var namespaces = clusters.SelectMany(c => c.GetProperty("namespaces").EnumerateArray()).ToList();
        var findings = clusters.SelectMany(c => c.GetProperty("findings").EnumerateArray()).Concat(namespaces.SelectMany(n => n.GetProperty("findings").EnumerateArray()))
            .Select(f => f.GetProperty("result").GetString()).ToList();
        var shown = findings.Count(r => r is "Fail" or "Unknown");
        var exempt = findings.Count(r => r == "Exempt");

        // Act
        using (var cli = new CliHarness())
        {
            await cli.RunAsync(Args("html", html));
        }

        // Assert: 50 KB of frame, 2 KB a cluster, 100 B a namespace, 350 B a failing or unknown finding, 50 B an exemption.
        var bound = 50_000L + (2_000L * clusters.Count) + (100L * namespaces.Count) + (350L * shown) + (50L * exempt);
        var size = new FileInfo(html).Length;
        Assert.Equal(100, clusters.Count);
        Assert.True(shown > 1_000, $"{shown} findings to show");
        Assert.True(size < bound, $"{size} bytes, bound {bound} ({clusters.Count} clusters, {namespaces.Count} namespaces, {shown} failing or unknown, {exempt} exempt findings)");
    }

    [Fact]
    public async Task Summary_TwoClusters_ByOwnerAfterTheWorstNamespaces_NoOwnerLast()
    {
        // Arrange
        NamespaceAssessment Ns(string name, string? owner, NamespaceStatus status) => new() { Name = name, Owner = owner, Status = status };
        var clusters = new List<ClusterAssessment>
        {
            ReportFixtures.Cluster("sub-a", "prod", "one", []) with
            {
                Namespaces = [Ns("web", "team-web", NamespaceStatus.NonCompliant), Ns("api", "team-api", NamespaceStatus.Compliant), Ns("default", null, NamespaceStatus.Unknown)],
            },
            ReportFixtures.Cluster("sub-a", "dev", "one", []) with
            {
                Namespaces = [Ns("web", "team-web", NamespaceStatus.Compliant), Ns("kube-system", "  ", NamespaceStatus.Exempt)],
            },
        };

        // Act
        using var stream = new MemoryStream();
        await using (var writer = new OrderedReportWriter(new SummaryReportWriter(stream)))
        {
            await writer.WriteHeaderAsync(ReportFixtures.Header(), TestContext.Current.CancellationToken);
            foreach (var cluster in clusters)
            {
                await writer.WriteClusterAsync(cluster, TestContext.Current.CancellationToken);
            }

            await writer.WriteSummaryAsync(ReportFixtures.Summary(), TestContext.Current.CancellationToken);
        }

        // Assert
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        var worst = Array.FindIndex(lines, l => l.StartsWith("Worst namespaces", StringComparison.Ordinal));
        var owners = Array.FindIndex(lines, l => l.StartsWith("By owner (3;", StringComparison.Ordinal));
        Assert.True(worst > 0 && owners > worst, string.Join('\n', lines));
        Assert.Equal(
            [
                "  OWNER                             NS  COMP  NONC  UNEN  EXEM  UNKN CLUSTERS",
                "  team-api                           1     1     0     0     0     0        1",
                "  team-web                           2     1     1     0     0     0        2",
                "  (no owner)                         2     0     0     0     1     1        2",
            ],
            lines.Skip(owners + 1).Take(4));
    }

    private static NamespaceAssessment ExemptNamespace(string name, params string[] checks) => new()
    {
        Name = name,
        System = true,
        Status = NamespaceStatus.Exempt,
        Findings =
        [
            .. checks.Select(c => ReportFixtures.Failing(name, Severity.High, c) with
            {
                Result = CheckResult.Exempt,
                ExemptionOwner = "platform",
                ExemptionReason = "platform-managed",
            }),
        ],
    };

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"{start} not found");
        var to = text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        Assert.True(to >= 0, $"{end} not found after {start}");
        return text[from..to];
    }

    private static async Task<string> WriteAsync(IEnumerable<ClusterAssessment> clusters)
    {
        using var stream = new MemoryStream();
        await using (var writer = new HtmlReportWriter(stream))
        {
            await writer.WriteHeaderAsync(SampleReport.Header, TestContext.Current.CancellationToken);
            foreach (var cluster in clusters)
            {
                await writer.WriteClusterAsync(cluster, TestContext.Current.CancellationToken);
            }

            await writer.WriteSummaryAsync(SampleReport.Summary, TestContext.Current.CancellationToken);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
