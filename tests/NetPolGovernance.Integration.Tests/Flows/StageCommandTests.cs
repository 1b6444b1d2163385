using System.Text.Json;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Flows;

/// <summary>`netpolgov stage` on the shipped sample pair: the README's command, its JSON and its exit codes.</summary>
public sealed class StageCommandTests
{
    private static readonly string s_manifests = CliHarness.SamplesPath("manifests");
    private static readonly string s_flows = CliHarness.SamplesPath("flows", "shop-hubble.jsonl");
    private static readonly string s_proposed = CliHarness.SamplesPath("flows", "proposed");

    [Fact]
    public async Task Stage_SampleProposal_JsonHasExactlyTheThreeKeys_AndExitsTwoOnADrop()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("stage", "--manifests", s_manifests, "--proposed", s_proposed, "--flows", s_flows, "--format", "json");

        Assert.Equal(2, exit);
        using var json = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Equal(["wouldDrop", "wouldOpen", "unverifiable"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var drops = json.RootElement.GetProperty("wouldDrop").EnumerateArray().ToList();
        Assert.Equal(
            ["shop/Deployment/api -> kube-system/Deployment/coredns 53/TCP", "shop/Deployment/frontend -> shop/Deployment/api 8081/TCP"],
            drops.Select(d => $"{d.GetProperty("from").GetString()} -> {d.GetProperty("to").GetString()} {d.GetProperty("port").GetInt32()}/{d.GetProperty("protocol").GetString()}"));
        Assert.All(drops, d =>
        {
            Assert.True(d.GetProperty("count").GetInt64() > 0);
            Assert.Contains("shop/allow-dns-egress", d.GetProperty("policy").GetString(), StringComparison.Ordinal);
            Assert.True(d.TryGetProperty("lastSeen", out _));
        });
        var open = Assert.Single(json.RootElement.GetProperty("wouldOpen").EnumerateArray());
        Assert.Equal("ip:20.50.1.2", open.GetProperty("to").GetString());
        Assert.Contains("shop/allow-api-https-egress", open.GetProperty("policy").GetString(), StringComparison.Ordinal);
        Assert.Contains("17 flows read", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stage_TheCurrentSetAsTheProposal_ChangesNothing_ExitZero()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("stage", "--manifests", s_manifests, "--proposed", CliHarness.SamplesPath("manifests", "shop"), "--flows", s_flows, "--format", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.All(json.RootElement.EnumerateObject(), p => Assert.Equal(0, p.Value.GetArrayLength()));
    }

    [Fact]
    public async Task Stage_Table_ListsEachSectionWithItsCount()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("stage", "--manifests", s_manifests, "--proposed", s_proposed, "--flows", s_flows);

        Assert.Equal(2, exit);
        var text = cli.StandardOutput.ReplaceLineEndings(" ");
        Assert.Contains("Would drop (observed, allowed today, denied by the proposal): 2", text, StringComparison.Ordinal);
        Assert.Contains("Would open (denied today, allowed by the proposal): 1", text, StringComparison.Ordinal);
        Assert.Contains("Unverifiable: 0", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--flows", "missing.jsonl", "missing.jsonl: no such file")]
    [InlineData("--proposed", "missing-dir", "missing-dir")]
    public async Task Stage_BadInput_ExitsOneNamingThePath(string option, string value, string expected)
    {
        using var temp = new TempDirectory();
        using var cli = new CliHarness();
        var args = new List<string> { "stage", "--manifests", s_manifests, "--proposed", s_proposed, "--flows", s_flows };
        args[args.IndexOf(option) + 1] = Path.Combine(temp.Path, value);

        var exit = await cli.RunAsync([.. args]);

        Assert.Equal(1, exit);
        Assert.Contains(expected, cli.StandardError, StringComparison.Ordinal);
        Assert.Empty(cli.RawStandardOutput);
    }

    [Fact]
    public async Task Stage_AProposalWithNoPolicy_IsRefused()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("stage", "--manifests", s_manifests, "--proposed", CliHarness.SamplesPath("manifests", "legacy"), "--flows", s_flows);

        Assert.Equal(1, exit);
        Assert.Contains("--proposed: no policy objects in", cli.StandardError, StringComparison.Ordinal);
    }
}
