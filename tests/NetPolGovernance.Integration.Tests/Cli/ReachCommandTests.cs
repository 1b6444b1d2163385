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
    public async Task Reach_OneBadQuery_OthersStillAnsweredWithAnErrorEntryAndExitOne()
    {
        using var temp = new TempDirectory();
        var queries = temp.Write("q.json", """
            [{"from":"shop/api","to":"db/postgres","port":5432},
             {"from":"nope","to":"db/postgres","port":1},
             {"from":"shop/ghost","to":"db/postgres","port":5432},
             {"from":"shop/web","to":"db/postgres","port":70000},
             {"from":"shop/web","to":"db/postgres","port":5432}]
            """);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--queries", queries);

        Assert.Equal(1, exit);
        using var answers = JsonDocument.Parse(cli.RawStandardOutput);
        var items = answers.RootElement.EnumerateArray().ToList();
        Assert.Equal(["allowed", "error", "error", "error", "denied"], items.Select(i => i.GetProperty("verdict").GetString()));
        Assert.Equal([0, 1, 2, 3, 4], items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.Equal("from: 'nope' is neither namespace/pod, namespace/Kind/name nor ip:ADDRESS", items[1].GetProperty("error").GetString());
        Assert.Equal("nope", items[1].GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("allowed").ValueKind);
        Assert.Equal("pod shop/ghost is not in the snapshot", items[2].GetProperty("error").GetString());
        Assert.Equal("port 70000 is outside 1-65535", items[3].GetProperty("error").GetString());
        Assert.False(items[4].GetProperty("allowed").GetBoolean());
        Assert.False(items[0].TryGetProperty("error", out _));
        var stderr = cli.StandardError.ReplaceLineEndings(string.Empty);
        Assert.Contains("q.json: query [1]: from: 'nope' is neither namespace/pod", stderr, StringComparison.Ordinal);
        Assert.Contains("q.json: query [2]: pod shop/ghost is not in the snapshot", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_NotAnArray_RejectsTheFileWithExitOne()
    {
        using var temp = new TempDirectory();
        var queries = temp.Write("q.json", """{"from":"shop/api"}""");
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--queries", queries);

        Assert.Equal(1, exit);
        Assert.Contains("expected a JSON array", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_DerivedPod_AddressableByTheNameScanReports()
    {
        using var temp = new TempDirectory();
        var manifests = temp.Write("app.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-http, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{ports: [{port: http}]}]
            """);
        using var scan = new CliHarness();
        await scan.RunAsync("scan", "--manifests", manifests, "--format", "json");
        using var report = JsonDocument.Parse(scan.RawStandardOutput);
        var derived = report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray()
            .Single(n => n.GetProperty("name").GetString() == "shop").GetProperty("derivedPods")[0].GetString();
        Assert.Equal("Deployment/web", derived);

        using var cli = new CliHarness();
        var exit = await cli.RunAsync("reach", "--manifests", manifests, "--from", "ip:203.0.113.9", "--to", $"shop/{derived}", "--port", "8080");

        Assert.Equal(0, exit);
        Assert.StartsWith("ALLOWED: ip:203.0.113.9 -> shop/Deployment/web 8080/TCP", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("named port http/TCP (= 8080)", cli.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_AdminNetworkPolicyDenyInManifests_DeniesBeforeNetworkPolicy()
    {
        using var temp = new TempDirectory();
        var anp = temp.Write("anp.yaml", """
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: no-shop-to-db}
            spec:
              priority: 10
              subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: db}}}
              ingress:
                - name: deny-shop
                  action: Deny
                  from: [{namespaces: {matchLabels: {team: shop}}}]
                  ports: [{portNumber: {protocol: TCP, port: 5432}}]
            """);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, anp, "--from", "shop/api", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(0, exit);
        Assert.StartsWith("DENIED: shop/api -> db/postgres 5432/TCP", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("denied by AdminNetworkPolicy no-shop-to-db ingress rule 1 'deny-shop' (Deny)", cli.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_UnknownAnswer_PrintsUnknownAndExitsThree()
    {
        using var temp = new TempDirectory();
        var cnp = temp.Write("cnp.yaml", """
            apiVersion: policy.networking.k8s.io/v1alpha2
            kind: ClusterNetworkPolicy
            metadata: {name: egress-fqdn}
            spec:
              tier: Admin
              priority: 5
              subject: {namespaces: {}}
              egress:
                - action: Accept
                  to: [{domainNames: ["*.example.com"]}]
            """);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, cnp, "--from", "shop/api", "--to", "ip:203.0.113.9", "--port", "443");

        Assert.Equal(3, exit);
        Assert.StartsWith("UNKNOWN: shop/api -> ip:203.0.113.9 443/TCP", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("unknown: ClusterNetworkPolicy egress-fqdn egress rule 1 (Accept) (peer domainNames, not modelled) could change it", cli.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
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
