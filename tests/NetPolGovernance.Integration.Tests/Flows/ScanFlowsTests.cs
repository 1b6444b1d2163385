using System.Text.Json;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Flows;

/// <summary>
/// `netpolgov scan --flows`: the runtime proof beside the static verdicts (docs/flows.md, "Runtime proof"). Every
/// namespace has an NPG-N13 row; it fails only for traffic forwarded at a pod's ingress that the pod's policies deny.
/// </summary>
public sealed class ScanFlowsTests
{
    private static readonly string s_manifests = CliHarness.SamplesPath("manifests");
    private static readonly string s_flows = CliHarness.SamplesPath("flows", "shop-hubble.jsonl");

    /// <summary>sandbox's playground reaching shop's api at its ingress: shop's default deny and its allow (frontend only) deny it.</summary>
    private const string Contradiction = """
        {"flow":{"time":"2026-12-03T09:00:00.000000000Z","verdict":"FORWARDED","IP":{"source":"10.244.2.30","destination":"10.244.1.20","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":41000,"destination_port":8081}},"source":{"cluster_name":"samples","namespace":"sandbox","labels":["k8s:app=playground"],"pod_name":"playground-6c8d7f9b5-zz1aa","workloads":[{"name":"playground","kind":"Deployment"}]},"destination":{"cluster_name":"samples","namespace":"shop","labels":["k8s:app=api"],"pod_name":"api-5f7b8c9d6-q4w7r","workloads":[{"name":"api","kind":"Deployment"}]},"Type":"L3_L4","node_name":"samples/aks-nodepool1-27013129-vmss000001","traffic_direction":"INGRESS","is_reply":false}}
        """;

    private static async Task<JsonDocument> SchemaAsync() =>
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "report.schema.json"), TestContext.Current.CancellationToken));

    private static JsonElement Namespace(JsonDocument report, string name) =>
        report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);

    private static JsonElement N13(JsonElement ns) =>
        ns.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("checkId").GetString() == "NPG-N13");

    [Fact]
    public async Task Scan_SampleFlows_Json_HasTheRuntimeProof_AndValidates()
    {
        using var schema = await SchemaAsync();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--manifests", s_manifests, "--flows", s_flows, "--format", "json");

        Assert.Equal(2, exit);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Empty(new JsonSchemaSubset(schema.RootElement).Validate(report.RootElement));
        Assert.All(report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray(), n => N13(n));
        var shop = Namespace(report, "shop");
        Assert.Equal("Pass", N13(shop).GetProperty("result").GetString());
        var runtime = shop.GetProperty("runtime");
        Assert.Equal(0, runtime.GetProperty("contradictionCount").GetInt32());
        Assert.True(runtime.GetProperty("ingressForwarded").GetInt64() > 0);
        var hit = runtime.GetProperty("policyHits").EnumerateArray().Single(h => h.GetProperty("policy").GetString() == "shop/allow-frontend-to-api");
        Assert.True(hit.GetProperty("matched").GetInt64() > 0);
        var sandbox = Namespace(report, "sandbox");
        Assert.Equal("NotApplicable", N13(sandbox).GetProperty("result").GetString());
        Assert.Contains("none was seen forwarded into this namespace", N13(sandbox).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_FlowForwardedIntoAnIsolatedPod_FailsN13_InThatNamespaceOnly()
    {
        using var temp = new TempDirectory();
        var flows = temp.Write("flows.jsonl", await File.ReadAllTextAsync(s_flows, TestContext.Current.CancellationToken) + Contradiction + "\n");
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--manifests", s_manifests, "--flows", flows, "--format", "json");

        Assert.Equal(2, exit);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var failing = report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray()
            .Where(n => N13(n).GetProperty("result").GetString() == "Fail")
            .Select(n => n.GetProperty("name").GetString())
            .ToList();
        Assert.Equal(["shop"], failing);
        var finding = N13(Namespace(report, "shop"));
        Assert.Equal("Critical", finding.GetProperty("severity").GetString());
        Assert.Contains("sandbox/Deployment/playground -> shop/Deployment/api 8081/TCP", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        var contradiction = Assert.Single(Namespace(report, "shop").GetProperty("runtime").GetProperty("contradictions").EnumerateArray());
        Assert.Contains("shop/default-deny-all", contradiction.GetProperty("decision").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_Table_ShowsTheObservedFlowsTable_AndTheContradiction()
    {
        using var temp = new TempDirectory();
        var flows = temp.Write("flows.jsonl", Contradiction + "\n");
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--manifests", s_manifests, "--flows", flows);

        var text = cli.StandardOutput.ReplaceLineEndings(" ");
        Assert.Contains("Observed flows", text, StringComparison.Ordinal);
        Assert.Contains("NPG-N13", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_WithoutFlows_N13IsNotApplicable_AndRuntimeIsNull()
    {
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--manifests", s_manifests, "--format", "json");

        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var shop = Namespace(report, "shop");
        Assert.Equal(JsonValueKind.Null, shop.GetProperty("runtime").ValueKind);
        Assert.Equal("NotApplicable", N13(shop).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Scan_MissingFlowFile_ExitsOne_NamingIt_BeforeReadingTheCluster()
    {
        using var temp = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--manifests", s_manifests, "--flows", Path.Combine(temp.Path, "gone.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("gone.jsonl: no such file", cli.StandardError, StringComparison.Ordinal);
        Assert.Empty(cli.RawStandardOutput);
    }

    [Fact]
    public async Task Scan_FlowsFromAWorkspaceId_IsRefused_ScanReadsEachClustersOwnResource()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--manifests", s_manifests, "--flows-from-workspace", "00000000-0000-0000-0000-000000000009");

        Assert.Equal(1, exit);
        Assert.Contains("each cluster's own resource", cli.StandardError, StringComparison.Ordinal);
    }
}
