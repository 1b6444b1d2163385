using System.Text.Json;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Diff;

/// <summary>`netpolgov diff` on a pair built from the shipped shop sample: the head removes its default deny and its egress allow list.</summary>
public sealed class DiffCommandTests
{
    private static string Head(TempDirectory temp)
    {
        var policies = File.ReadAllText(CliHarness.SamplesPath("manifests", "shop", "networkpolicies.yaml"));
        var withoutDeny = string.Join("---", policies.Split("---").Where(d => !d.Contains("name: default-deny-all", StringComparison.Ordinal) && !d.Contains("name: allow-dns-egress", StringComparison.Ordinal)));
        temp.Write("head/networkpolicies.yaml", withoutDeny);
        temp.Write("head/pods.yaml", File.ReadAllText(CliHarness.SamplesPath("manifests", "shop", "pods.yaml")));
        return Path.Combine(temp.Path, "head");
    }

    [Fact]
    public async Task Diff_RemovingTheDefaultDeny_JsonListsOpenedConnections_IncludingFromOutsideTheCluster()
    {
        using var temp = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("diff", "--base", CliHarness.SamplesPath("manifests", "shop"), "--head", Head(temp), "--format", "json");

        // The sample holds only shop's pods: inside the cluster only shop's own pods gain access, but the frontend,
        // which no policy selects any more, opens to every address outside the cluster: the gate fails.
        Assert.Equal(2, exit);
        using var json = JsonDocument.Parse(cli.RawStandardOutput);
        var root = json.RootElement;
        Assert.Equal(["opened", "closed", "complianceChanges", "findingsAdded", "findingsFixed", "opensBeyondNamespace", "gateFails"], root.EnumerateObject().Select(p => p.Name));
        var opened = root.GetProperty("opened").EnumerateArray().ToList();
        Assert.All(opened, c =>
        {
            Assert.Matches("^(shop/|ip:)", c.GetProperty("from").GetString()!);
            Assert.Contains("shop/default-deny-all", c.GetProperty("before").GetString(), StringComparison.Ordinal);
        });
        Assert.Contains(opened, c => c.GetProperty("from").GetString()!.StartsWith("shop/", StringComparison.Ordinal));
        Assert.Contains(opened, c => c.GetProperty("from").GetString() == "ip:203.0.113.10" && c.GetProperty("to").GetString()!.StartsWith("shop/frontend", StringComparison.Ordinal));
        Assert.DoesNotContain(opened, c => c.GetProperty("from").GetString()!.StartsWith("ip:", StringComparison.Ordinal) && c.GetProperty("to").GetString()!.StartsWith("shop/api", StringComparison.Ordinal));
        Assert.Empty(root.GetProperty("closed").EnumerateArray());
        Assert.True(root.GetProperty("opensBeyondNamespace").GetBoolean());
    }

    [Fact]
    public async Task Diff_SamplePair_SarifHasOneErrorAtTheNewPolicyAndValidates()
    {
        using var cli = new CliHarness();
        var schema = await NJsonSchema.JsonSchema.FromJsonAsync(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "Sarif", "sarif-2.1.0-rtm.5.json"), TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken);

        var exit = await cli.RunAsync("diff", "--base", CliHarness.SamplesPath("diff", "base"), "--head", CliHarness.SamplesPath("diff", "head"), "--format", "sarif");

        Assert.Equal(2, exit);
        var errors = schema.Validate(cli.RawStandardOutput);
        Assert.True(errors.Count == 0, "SARIF schema violations:\n" + string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
        using var sarif = JsonDocument.Parse(cli.RawStandardOutput);
        var result = Assert.Single(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
        Assert.Equal(("NPG-DIFF-OPENED", "error"), (result.GetProperty("ruleId").GetString(), result.GetProperty("level").GetString()));
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.EndsWith("diff/head/allow-partner.yaml", location.GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Contains("ip:198.51.100.0", result.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_TwoScanReports_ListsTheRegressionAndFindingsAndFailsTheGate()
    {
        using var temp = new TempDirectory();
        var head = Head(temp);
        using (var scan = new CliHarness())
        {
            await scan.RunAsync("scan", "--manifests", CliHarness.SamplesPath("manifests", "shop"), "--format", "json", "-o", Path.Combine(temp.Path, "base.json"));
        }

        using (var scan = new CliHarness())
        {
            await scan.RunAsync("scan", "--manifests", head, "--format", "json", "-o", Path.Combine(temp.Path, "head.json"));
        }

        using var cli = new CliHarness();
        var exit = await cli.RunAsync("diff", "--base-report", Path.Combine(temp.Path, "base.json"), "--head-report", Path.Combine(temp.Path, "head.json"), "--format", "json");

        Assert.Equal(2, exit);
        using var json = JsonDocument.Parse(cli.RawStandardOutput);
        var change = Assert.Single(json.RootElement.GetProperty("complianceChanges").EnumerateArray());
        Assert.Equal(("Compliant", "NonCompliant"), (change.GetProperty("before").GetString(), change.GetProperty("after").GetString()));
        Assert.NotEmpty(json.RootElement.GetProperty("findingsAdded").EnumerateArray());
        Assert.Empty(json.RootElement.GetProperty("opened").EnumerateArray());
        Assert.True(json.RootElement.GetProperty("gateFails").GetBoolean());
    }

    [Theory]
    [InlineData("not json", "cannot read the report")]
    [InlineData("{\"schemaVersion\":\"1\"}", "not a netpolgov JSON report")]
    public async Task Diff_BadReport_IsAUsageErrorNamingTheFile(string content, string expected)
    {
        using var temp = new TempDirectory();
        temp.Write("bad.json", content);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("diff", "--base-report", Path.Combine(temp.Path, "bad.json"), "--head-report", Path.Combine(temp.Path, "bad.json"));

        Assert.Equal(1, exit);
        Assert.Contains("bad.json: " + expected, cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_ManifestsAndReportsTogether_IsAUsageError()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("diff", "--base", CliHarness.SamplesPath("diff", "base"), "--base-report", "a.json", "--head-report", "b.json");

        Assert.Equal(1, exit);
        Assert.Contains("not both", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_SameSetTwice_IsEmpty_Markdown()
    {
        using var cli = new CliHarness();
        var shop = CliHarness.SamplesPath("manifests", "shop");

        var exit = await cli.RunAsync("diff", "--base", shop, "--head", shop, "--format", "markdown");

        Assert.Equal(0, exit);
        Assert.Contains("**0 opened**, **0 closed**, 0 compliance changes", cli.RawStandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_MissingHead_IsAUsageError()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("diff", "--base", CliHarness.SamplesPath("manifests", "shop"));

        Assert.Equal(1, exit);
        Assert.Contains("give both --base PATH... and --head PATH...", cli.StandardError, StringComparison.Ordinal);
    }
}
