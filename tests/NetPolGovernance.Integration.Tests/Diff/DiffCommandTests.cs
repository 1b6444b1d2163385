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
    public async Task Diff_RemovingTheDefaultDeny_JsonListsOpenedConnections_AndExitsZeroWithinTheNamespace()
    {
        using var temp = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("diff", "--base", CliHarness.SamplesPath("manifests", "shop"), "--head", Head(temp), "--format", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(cli.RawStandardOutput);
        var root = json.RootElement;
        Assert.Equal(["opened", "closed", "complianceChanges", "findingsAdded", "findingsFixed", "opensBeyondNamespace"], root.EnumerateObject().Select(p => p.Name));
        var opened = root.GetProperty("opened").EnumerateArray().ToList();
        Assert.NotEmpty(opened);
        Assert.All(opened, c =>
        {
            Assert.StartsWith("shop/", c.GetProperty("from").GetString(), StringComparison.Ordinal);
            Assert.Contains("shop/default-deny-all", c.GetProperty("before").GetString(), StringComparison.Ordinal);
        });
        Assert.Empty(root.GetProperty("closed").EnumerateArray());
        Assert.False(root.GetProperty("opensBeyondNamespace").GetBoolean());
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
        Assert.Contains("give --head PATH...", cli.StandardError, StringComparison.Ordinal);
    }
}
