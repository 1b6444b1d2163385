using System.Text.Json.Nodes;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// <c>reach</c> with Cilium and Calico policies read from YAML (docs/semantics.md §7.1, §7.2), <c>--engine</c> deciding
/// which kinds are enforced, and live policies the API server would reject left out with a warning, as scan leaves
/// them out (§14).
/// </summary>
public sealed class ReachCrdPolicyTests : IAsyncLifetime
{
    private static readonly string s_cluster = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");
    private readonly TempDirectory _dir = new();
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string CiliumDeny() => _dir.Write("cnp.yaml", """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: guard, namespace: db}
        spec:
          endpointSelector: {matchLabels: {"k8s:app": postgres}}
          ingress:
            - fromEntities: [cluster]
          ingressDeny:
            - fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": shop, app: api}}]
              toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
        """);

    [Fact]
    public async Task Reach_CiliumDenyOverridesTheNetworkPolicyAllow_WhenTheEngineIsCilium()
    {
        var cnp = CiliumDeny();
        using var cilium = new CliHarness();
        using var npm = new CliHarness();

        var denied = await cilium.RunAsync("reach", "--manifests", s_cluster, cnp, "--engine", "cilium", "--from", "shop/api", "--to", "db/postgres", "--port", "5432");
        var allowed = await npm.RunAsync("reach", "--manifests", s_cluster, cnp, "--engine", "azure-npm", "--from", "shop/api", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(0, denied);
        Assert.StartsWith("DENIED: shop/api -> db/postgres 5432/TCP", cilium.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("denied by CiliumNetworkPolicy db/guard ingressDeny rule 1", cilium.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
        Assert.Equal(0, allowed);
        Assert.StartsWith("ALLOWED: shop/api -> db/postgres 5432/TCP", npm.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("CiliumNetworkPolicy db/guard is not enforced by the cluster's engine", npm.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_CalicoDenyAtALowerOrderThanNetworkPolicy_Denies()
    {
        var calico = _dir.Write("calico.yaml", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: default.no-shop, namespace: db}
            spec:
              order: 100
              selector: app == 'postgres'
              types: [Ingress]
              ingress:
                - action: Deny
                  protocol: TCP
                  source: {namespaceSelector: "projectcalico.org/name == 'shop'"}
                  destination: {ports: [5432]}
                - action: Pass
            """);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, calico, "--engine", "calico", "--from", "shop/api", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(0, exit);
        Assert.StartsWith("DENIED: shop/api -> db/postgres 5432/TCP", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("denied by Calico NetworkPolicy db/no-shop ingress rule 1 (Deny) (Calico default tier)", cli.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_CiliumL7Rule_IsUnknownNamingTheField()
    {
        var cnp = _dir.Write("l7.yaml", """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: l7, namespace: db}
            spec:
              endpointSelector: {}
              ingress:
                - fromEntities: [all]
                  toPorts: [{ports: [{port: "5432"}], rules: {http: [{method: GET}]}}]
            """);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, cnp, "--engine", "cilium", "--from", "shop/web", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(3, exit);
        Assert.Contains("toPorts rules: L7 and TLS rules are not modelled", cli.StandardOutput.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reach_UnknownEngineName_IsAUsageError()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--manifests", s_cluster, "--engine", "nope", "--from", "shop/api", "--to", "db/postgres", "--port", "5432");

        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task Reach_LiveCiliumPolicyTheApiServerWouldReject_IsLeftOutWithAWarning()
    {
        var bad = KubeObjects.Custom("cilium.io/v2", "CiliumNetworkPolicy", "pay", "bad-entity", new JsonObject
        {
            ["endpointSelector"] = new JsonObject(),
            ["ingress"] = new JsonArray(new JsonObject { ["fromEntities"] = new JsonArray("internet") }),
        });
        var cluster = _server.AddCluster("prod-east").Add(
            KubeObjects.Namespace("default"),
            KubeObjects.Namespace("kube-system"),
            KubeObjects.Namespace("shop"),
            KubeObjects.Pod("shop", "web"),
            KubeObjects.Namespace("pay"),
            KubeObjects.Pod("pay", "api"),
            bad);
        var kubeconfig = _dir.Write("config", cluster.Kubeconfig());
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("reach", "--kubeconfig", kubeconfig, "--context", "prod-east", "--engine", "cilium", "--from", "shop/web", "--to", "pay/api", "--port", "80");

        Assert.Equal(0, exit);
        Assert.StartsWith("ALLOWED: shop/web -> pay/api 80/TCP", cli.StandardOutput, StringComparison.Ordinal);
        var stderr = cli.StandardError.ReplaceLineEndings(string.Empty);
        Assert.Contains("CiliumNetworkPolicy pay/bad-entity would be rejected by the API server", stderr, StringComparison.Ordinal);
        Assert.Contains("[cilium-entity]", stderr, StringComparison.Ordinal);
    }
}
