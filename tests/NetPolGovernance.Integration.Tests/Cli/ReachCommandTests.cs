using System.Text.Json;

namespace NetPolGovernance.Integration.Tests.Cli;

public sealed class ReachCommandTests
{
    private static readonly string s_cluster = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");
    private static readonly string s_queries = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "queries.json");

    [Fact]
    public async Task Reach_OneQuestionAdmittedByNamedPort_PrintsAllowedAndRule()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--from", "shop/api", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(0, exit);
        Assert.StartsWith("ALLOWED: shop/api -> db/postgres 5432/TCP", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("admitted by db/allow-api rule 1", cli.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_QueriesFile_AnswersJsonArrayInOrder()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--queries", s_queries);

        Assert.Equal(0, exit);
        using var answers = JsonDocument.Parse(cli.RawStandardOutput);
        var items = answers.RootElement.EnumerateArray().ToList();
        Assert.Equal([true, false, true], items.Select(i => i.GetProperty("allowed").GetBoolean()));
        Assert.Equal("shop/web", items[1].GetProperty("from").GetString());
        Assert.Equal("TCP", items[1].GetProperty("protocol").GetString());
        Assert.Contains("no ingress rule admits shop/web on 5432/TCP", items[1].GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_MalformedQuery_ExitsOneNamingFileAndIndex()
    {
        using var temp = new TempDirectory();
        var queries = temp.Write("q.json", """[{"from":"shop/api","to":"db/postgres","port":5432},{"from":"nope","to":"db/postgres","port":1}]""");
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--queries", queries);

        Assert.Equal(1, exit);
        Assert.Contains("q.json: query [1]: from: 'nope' is neither namespace/pod nor ip:ADDRESS", cli.StandardError.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_UnknownPod_ExitsOneWithReason()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--from", "shop/ghost", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(1, exit);
        Assert.Contains("pod shop/ghost is not in the snapshot", cli.StandardError, StringComparison.Ordinal);
    }
}
