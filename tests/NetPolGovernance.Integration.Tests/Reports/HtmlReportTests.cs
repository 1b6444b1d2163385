using System.Text.RegularExpressions;
using NetPolGovernance.Cli.Reports.Html;

namespace NetPolGovernance.Integration.Tests.Reports;

public sealed class HtmlReportTests
{
    private static async Task<string> WriteSampleAsync(TempDirectory directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory.Path, "report.html");
        await using (var file = File.Create(path))
        {
            await using var writer = new HtmlReportWriter(file);
            await SampleReport.WriteAsync(writer, cancellationToken);
        }

        return path;
    }

    [Fact]
    public async Task Render_SampleFleetInChromium_ShowsEverySection()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var report = await WriteSampleAsync(directory, ct);

        var dom = await HeadlessChromium.DumpDomAsync(report, ct);

        Assert.Contains("<title>Network policy compliance report</title>", dom, StringComparison.Ordinal);
        Assert.Matches(Section("summary"), dom);
        Assert.Matches(KpiValue("kpi-compliance", "33.3%"), dom);
        Assert.Matches(KpiValue("kpi-clusters", "3"), dom);
        Assert.Matches(KpiValue("kpi-namespaces", "5"), dom);
        Assert.Contains("<section class=\"clusters\" id=\"clusters\">", dom, StringComparison.Ordinal);
        Assert.Contains("<details class=\"cluster\" id=\"cluster-1\"><summary class=\"row\"><span>aks-prod-weu</span>", dom, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#cluster-3\">aks-private-eus</a>", dom, StringComparison.Ordinal);
        Assert.Contains("<table id=\"unknown-clusters\">", dom, StringComparison.Ordinal);
        Assert.Contains("API server is private and runCommand was denied (403)", dom, StringComparison.Ordinal);
        Assert.Contains("<table id=\"exemptions\">", dom, StringComparison.Ordinal);
        Assert.Contains("Decommissioning in Q3 (CHG-1182)", dom, StringComparison.Ordinal);
        Assert.Contains("2026-06-22 <span class=\"badge s-medium\">in 21 days</span>", dom, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(dom, "<details class=\"cluster\" id=\"cluster-\\d\">"));
        Assert.Contains("<code>NPG-C01</code>", dom, StringComparison.Ordinal);
        Assert.Contains("<b>pods</b>: checkout-api-7d9f, checkout-worker-2c1a, cart-5b8e</div>", dom, StringComparison.Ordinal);
        Assert.Contains("<details class=\"remediation\"><summary>checkout: baseline policies</summary>", dom, StringComparison.Ordinal);
        Assert.Contains("kubectl delete networkpolicy -n checkout -l app.kubernetes.io/managed-by=netpolgov", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ValueWithMarkup_IsTextNotElement()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var report = await WriteSampleAsync(directory, ct);

        var dom = await HeadlessChromium.DumpDomAsync(report, ct);

        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert('owner')&lt;/script&gt;", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_SampleFleet_ShowsTheResultAndTheGateSeparately()
    {
        using var directory = new TempDirectory();
        var html = await File.ReadAllTextAsync(await WriteSampleAsync(directory, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Contains(
            "<p class=\"gate\" id=\"gate\">Result <span class=\"badge s-incomplete\">Incomplete</span> · gate profile baseline <span class=\"badge s-failed\">Failed</span> (2 namespace(s) NonCompliant or Unenforced, 0 cluster check(s) of the profile failing) · exit code ",
            html,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_SampleFleet_HasNoExternalResources()
    {
        using var directory = new TempDirectory();
        var html = await File.ReadAllTextAsync(await WriteSampleAsync(directory, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.DoesNotMatch("(?i)<(script|link|img|iframe)\\b", html);
        Assert.DoesNotMatch("(?i)(src|href)=\"(https?:)?//", html);
        Assert.DoesNotMatch("(?i)url\\(", html);
    }

    [Fact]
    public async Task Screenshot_SampleFleet_ProducesPng()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var report = await WriteSampleAsync(directory, ct);
        var png = Path.Combine(directory.Path, "report.png");

        await HeadlessChromium.ScreenshotAsync(report, png, 1280, 900, ct);

        var header = new byte[8];
        await using var file = File.OpenRead(png);
        await file.ReadExactlyAsync(header, ct);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, header);
        Assert.True(file.Length > 10_000, $"screenshot is only {file.Length} bytes");
    }

    [Fact]
    public async Task Scan_OutputFileWithHtmlExtension_WritesHtmlReport()
    {
        using var directory = new TempDirectory();
        var output = Path.Combine(directory.Path, "fleet.html");
        var manifests = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");
        using var cli = new Cli.CliHarness();

        await cli.RunAsync("scan", "--manifests", manifests, "-o", output);

        var html = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<section class=\"summary\" id=\"summary\">", html, StringComparison.Ordinal);
        Assert.Contains("<details class=\"remediation\"><summary>shop: baseline policies</summary>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    private static Regex Section(string id) => new($"<section class=\"{id}\" id=\"{id}\">");

    private static Regex KpiValue(string id, string value) =>
        new($"<div class=\"kpi\" id=\"{id}\">.*?<div class=\"value\">{Regex.Escape(value)}</div>", RegexOptions.Singleline);
}
