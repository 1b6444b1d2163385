using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// <c>remediate --profile observed</c> and <c>lint</c> through the real command line, on the samples the README uses:
/// the observed rules carry their provenance, the observed edges are verified, the coverage gate stops
/// <c>--apply</c> before any request, and the platform lint names the catalog entry.
/// </summary>
public sealed class ObservedRemediateCommandTests
{
    private static readonly string s_manifests = CliHarness.SamplesPath("manifests");
    private static readonly string s_flows = CliHarness.SamplesPath("flows", "observed-week.jsonl");

    [Fact]
    public async Task ObservedProfile_WritesPerWorkloadAllowsWithProvenanceAndVerifiesObservedEdges()
    {
        using var output = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_manifests, "--profile", "observed", "--flows", s_flows, "-o", output.Path);

        Assert.Equal(0, exit);
        var yaml = await File.ReadAllTextAsync(Path.Combine(output.Path, "legacy.yaml"), TestContext.Current.CancellationToken);
        Assert.Contains("name: netpolgov-observed-statefulset-billing-db", yaml, StringComparison.Ordinal);
        Assert.Contains("netpolgov.io/provenance:", yaml, StringComparison.Ordinal);
        Assert.Contains("from catalog/Deployment/catalog TCP/5432: observed 16 times", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("pod-template-hash", yaml, StringComparison.Ordinal);
        var preview = await File.ReadAllTextAsync(Path.Combine(output.Path, "impact-preview.md"), TestContext.Current.CancellationToken);
        Assert.Contains("PASS observed-edges: every observed forwarded connection allowed today stays allowed (3 checked)", preview, StringComparison.Ordinal);
        Assert.Contains("PASS never-widen", preview, StringComparison.Ordinal);
        Assert.Contains("Coverage confidence per workload", preview, StringComparison.Ordinal);
        Assert.Contains("docs/platform-dependencies.md", preview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObservedProfile_WithoutFlows_ExitsOneSayingWhatToGive()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_manifests, "--profile", "observed");

        Assert.Equal(1, exit);
        Assert.Contains("--profile observed needs flows", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowsWithAnotherProfile_ExitsOneInsteadOfIgnoringThem()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_manifests, "--profile", "baseline", "--flows", s_flows);

        Assert.Equal(1, exit);
        Assert.Contains("read only by --profile observed", cli.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public async Task MinCoverageOutOfRange_ExitsOne(string value)
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_manifests, "--profile", "observed", "--flows", s_flows, "--min-coverage", value);

        Assert.Equal(1, exit);
        Assert.Contains("--min-coverage must be between 0 and 1", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyBelowCoverageGate_RefusesBeforeAnyRequestToTheCluster()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("aks-dev").Add(KubeObjects.Namespace("legacy"));
        using var temp = new TempDirectory();
        var kubeconfig = temp.Write("kubeconfig", cluster.Kubeconfig("aks-dev"));
        using var cli = new CliHarness();

        // partner-gateway has no flow in the window: its coverage is 0, under the default gate.
        var exit = await cli.RunAsync(
            "remediate", "--manifests", s_manifests, "--profile", "observed", "--flows", s_flows,
            "--apply", "--kubeconfig", kubeconfig, "--context", "aks-dev");

        Assert.Equal(5, exit);
        Assert.Contains("below --min-coverage 0.50", cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Traffic.Requests, r => r.Resource == "networkpolicies");
    }

    [Fact]
    public async Task Lint_DenyAllWithoutDns_IsAnErrorNamingTheCatalogEntry()
    {
        using var temp = new TempDirectory();
        var manifests = temp.Write("deny.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: { name: app }
            ---
            apiVersion: v1
            kind: Pod
            metadata: { name: web, namespace: app, labels: { app: web } }
            spec: { containers: [ { name: web, image: nginx } ] }
            ---
            apiVersion: v1
            kind: Pod
            metadata: { name: coredns-1, namespace: kube-system, labels: { k8s-app: kube-dns } }
            spec: { containers: [ { name: coredns, image: coredns } ] }
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: { name: deny-all, namespace: app }
            spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
            """);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("lint", "--manifests", manifests);

        Assert.Equal(2, exit);
        Assert.Contains("[dns]", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cuts DNS", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("web", cli.StandardOutput, StringComparison.Ordinal);
    }
}
