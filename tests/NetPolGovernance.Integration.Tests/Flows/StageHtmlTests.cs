using System.Text.RegularExpressions;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Cli.Reports.Html;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Integration.Tests.Reports;

namespace NetPolGovernance.Integration.Tests.Flows;

/// <summary><c>stage --format html</c>, rendered by headless Chromium: the verdict first, the three lists, text never markup.</summary>
public sealed class StageHtmlTests
{
    [Fact]
    public async Task StageHtml_SampleProposal_RendersTheVerdictAndEveryDrop()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync(
            "stage", "--manifests", CliHarness.SamplesPath("manifests"), "--proposed", CliHarness.SamplesPath("flows", "proposed"),
            "--flows", CliHarness.SamplesPath("flows", "shop-hubble.jsonl"), "--format", "html");
        var page = Path.Combine(temp.Path, "stage.html");
        await File.WriteAllTextAsync(page, cli.RawStandardOutput, ct);
        var dom = await HeadlessChromium.DumpDomAsync(page, ct);

        Assert.Equal(2, exit);
        Assert.Contains("<title>Staged policy change</title>", dom, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge s-fail\">would drop observed traffic</span>", dom, StringComparison.Ordinal);
        Assert.Contains("<b>2</b> would drop · <b>1</b> would open · <b>0</b> unverifiable", dom, StringComparison.Ordinal);
        Assert.Contains("<code>shop/Deployment/frontend</code></td><td><code>shop/Deployment/api</code></td><td>8081/TCP</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<code>ip:20.50.1.2</code>", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StageHtml_HostileNamesAndLongLists_AreTextAndFolded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        var drops = Enumerable.Range(0, StageHtmlReport.OpenRows + 5)
            .Select(i => new StageEntry { From = $"evil/<script>alert({i})</script>", To = "shop/Deployment/api", Protocol = TransportProtocol.Tcp, Port = 8080, Count = 3, Policy = "<b>x</b>" })
            .ToList();
        var report = new StageReport { WouldDrop = drops, Traffic = new ObservedTraffic() };
        var page = Path.Combine(temp.Path, "stage.html");
        await File.WriteAllTextAsync(page, StageHtmlReport.Render(report, "stage: <img src=x>", DateTimeOffset.UnixEpoch), ct);

        var dom = await HeadlessChromium.DumpDomAsync(page, ct);

        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("evil/&lt;script&gt;alert(0)&lt;/script&gt;", dom, StringComparison.Ordinal);
        Assert.Contains("<details><summary>5 more</summary>", dom, StringComparison.Ordinal);
        Assert.Equal(StageHtmlReport.OpenRows + 5, Regex.Count(dom, "<tr><td><code>evil/"));
    }
}
