using System.Text.Json;
using System.Text.Json.Nodes;
using NetPolGovernance.Simulator.Kubernetes;
using NJsonSchema;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// SARIF from a manifests scan and from a live (loopback kubeconfig) scan validates against the SARIF 2.1.0 JSON schema
/// (TestData/Sarif, offline), and every result carries a location code scanning accepts (docs/report.md).
/// </summary>
public sealed class SarifSchemaTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();
    private LoopbackKubernetesApiServer _server = null!;
    private JsonSchema _schema = null!;

    public async ValueTask InitializeAsync()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "Sarif", "sarif-2.1.0-rtm.5.json");
        _schema = await JsonSchema.FromJsonAsync(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _cli.Dispose();
        _dir.Dispose();
    }

    private void AssertValid(string sarif)
    {
        var errors = _schema.Validate(sarif);
        Assert.True(errors.Count == 0, "SARIF schema violations:\n" + string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    private static List<JsonElement> Results(JsonDocument sarif) =>
        [.. sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()];

    private static string Uri(JsonElement result) =>
        result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;

    private static void AssertCodeScanningRules(JsonDocument sarif)
    {
        var run = sarif.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToHashSet();
        var results = Results(sarif);
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Contains(r.GetProperty("ruleId").GetString(), rules));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(Uri(r))));
        Assert.All(results, r => Assert.True(r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32() >= 1));
    }

    [Fact]
    public void Schema_RejectsAResultWithoutMessage()
    {
        var broken = """{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"A"}]}]}""";

        Assert.NotEmpty(_schema.Validate(broken));
    }

    [Fact]
    public async Task ManifestsScan_SarifValidatesAgainstTheSchema()
    {
        await _cli.RunAsync(
            "scan", "--manifests", CliHarness.SamplesPath("manifests"), "--exemptions", CliHarness.SamplesPath("exemptions.yaml"), "--format", "sarif");

        AssertValid(_cli.RawStandardOutput);
        using var sarif = JsonDocument.Parse(_cli.RawStandardOutput);
        AssertCodeScanningRules(sarif);
        Assert.All(Results(sarif), r => Assert.EndsWith(".yaml", Uri(r), StringComparison.Ordinal));
    }

    [Fact]
    public async Task LiveScan_EveryResultHasALogicalArtifact_AndTheSarifValidates()
    {
        var badPolicy = KubeObjects.NetworkPolicy("pay", "bad-cidr", new JsonObject
        {
            ["podSelector"] = new JsonObject(),
            ["policyTypes"] = new JsonArray("Ingress"),
            ["ingress"] = new JsonArray(new JsonObject { ["from"] = new JsonArray(new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = "10.0.0.0/33" } }) }),
        });
        var cluster = _server.AddCluster("prod-east").Add(
            KubeObjects.Namespace("default"),
            KubeObjects.Namespace("kube-system"),
            KubeObjects.Namespace("shop"),
            KubeObjects.Pod("shop", "web"),
            KubeObjects.Namespace("pay"),
            KubeObjects.Pod("pay", "api"),
            badPolicy);
        var kubeconfig = _dir.Write("config", cluster.Kubeconfig());

        await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--context", "prod-east", "--format", "sarif");

        AssertValid(_cli.RawStandardOutput);
        using var sarif = JsonDocument.Parse(_cli.RawStandardOutput);
        AssertCodeScanningRules(sarif);
        var results = Results(sarif);
        var rejected = results.Single(r => r.GetProperty("ruleId").GetString() == "NPG-N11");
        Assert.Equal("cluster/prod-east/namespaces/pay/networkpolicies/bad-cidr", Uri(rejected));
        var logical = rejected.GetProperty("locations")[0].GetProperty("logicalLocations")[0];
        Assert.Equal("resource", logical.GetProperty("kind").GetString());
        Assert.Equal("bad-cidr", logical.GetProperty("name").GetString());
        var noPolicy = results.Single(r => r.GetProperty("ruleId").GetString() == "NPG-N01" && r.GetProperty("properties").GetProperty("namespace").GetString() == "shop");
        Assert.Equal("cluster/prod-east/namespaces/shop", Uri(noPolicy));
        Assert.All(results, r => Assert.StartsWith("cluster/prod-east", Uri(r), StringComparison.Ordinal));
        Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "NPG-N01" && r.GetProperty("properties").GetProperty("namespace").GetString() == "pay");
    }
}
