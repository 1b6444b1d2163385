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

    [Fact]
    public async Task ScanAndReach_DuplicatePodAcrossManifestFiles_BothUseTheLaterDefinition()
    {
        // a.yaml is read before b.yaml; only b.yaml's later copy of shop/web carries the label deny-web selects.
        using var temp = new TempDirectory();
        temp.Write("a.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: shop, labels: {app: client}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop, labels: {app: other}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-web, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress]
            """);
        temp.Write("b.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop, labels: {app: web}}
            """);
        using var scan = new CliHarness();
        using var reach = new CliHarness();

        await scan.RunAsync("scan", "--manifests", temp.Path, "--format", "json");
        var exit = await reach.RunAsync("reach", "--manifests", temp.Path, "--from", "shop/client", "--to", "shop/web", "--port", "80");

        using var report = JsonDocument.Parse(scan.StandardOutput);
        var shop = report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "shop");
        Assert.Equal(["web"], shop.GetProperty("ingressIsolatedPods").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(2, shop.GetProperty("podCount").GetInt32());
        Assert.Equal(0, exit);
        Assert.StartsWith("DENIED: shop/client -> shop/web 80/TCP", reach.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("isolated by shop/deny-web", reach.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
}
