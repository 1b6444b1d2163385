using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Cli;

public sealed class RemediateCommandTests
{
    private static readonly string s_cluster = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");

    [Fact]
    public async Task Remediate_ToDirectory_WritesYamlForNonCompliantNamespaceAndImpactPreview()
    {
        using var output = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_cluster, "-o", output.Path);

        Assert.Equal(0, exit);
        Assert.Equal(["impact-preview.md", "shop.yaml"], Directory.GetFiles(output.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var yaml = await File.ReadAllTextAsync(Path.Combine(output.Path, "shop.yaml"), TestContext.Current.CancellationToken);
        Assert.Equal(3, yaml.Split("\nkind: NetworkPolicy\n").Length - 1);
        Assert.Equal(3, yaml.Split("\n    app.kubernetes.io/managed-by: netpolgov\n").Length - 1);
        var preview = await File.ReadAllTextAsync(Path.Combine(output.Path, "impact-preview.md"), TestContext.Current.CancellationToken);
        Assert.Contains("| shop/api | db/postgres | 5432/TCP (pg) |", preview, StringComparison.Ordinal);
        Assert.Contains("Backout: `kubectl delete networkpolicy -n shop -l app.kubernetes.io/managed-by=netpolgov`", preview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remediate_ApplyWithoutContext_ExitsOneBeforeReading()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_cluster, "--apply");

        Assert.Equal(1, exit);
        Assert.Contains("--apply needs --context NAME", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remediate_ApplyToLoopbackContext_DryRunsThenCreatesOnlyLabelledPoliciesAndPrintsBackout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("aks-dev").Add(
            KubeObjects.Namespace("shop"),
            KubeObjects.DefaultDeny("shop", "hand-written-deny"));
        using var temp = new TempDirectory();
        var kubeconfig = temp.Write("kubeconfig", cluster.Kubeconfig("aks-dev"));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_cluster, "--apply", "--kubeconfig", kubeconfig, "--context", "aks-dev");

        Assert.Equal(0, exit);
        var creates = cluster.Traffic.Requests.Where(r => r.Resource == "networkpolicies" && r.Method == "POST").ToList();
        Assert.Equal(6, creates.Count);
        Assert.All(creates.Take(3), r => Assert.Contains("dryRun=All", r.Query, StringComparison.Ordinal));
        Assert.All(creates.Skip(3), r => Assert.DoesNotContain("dryRun", r.Query, StringComparison.Ordinal));
        Assert.DoesNotContain(cluster.Traffic.Requests, r => r.Method is "PUT" or "DELETE" or "PATCH");
        var stored = cluster.Objects.List(ApiResources.NetworkPolicies);
        Assert.Equal(4, stored.Length);
        Assert.Equal(3, stored.Count(s => s.Labels.TryGetValue("app.kubernetes.io/managed-by", out var v) && v == "netpolgov"));
        Assert.Contains(stored, s => s.Name == "hand-written-deny" && !s.Labels.ContainsKey("app.kubernetes.io/managed-by"));
        Assert.Contains("context aks-dev: applied after a server-side dry run", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("backout: kubectl delete networkpolicy -n shop -l app.kubernetes.io/managed-by=netpolgov", cli.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remediate_NamespaceNotInSnapshot_ExitsOneNamingItAndWritesNothing()
    {
        using var output = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", s_cluster, "--namespace", "shop", "--namespace", "missing", "-o", output.Path);

        Assert.Equal(1, exit);
        Assert.Contains("--namespace: no namespace in the snapshot matches missing", cli.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(output.Path));
    }

    [Fact]
    public async Task Remediate_NamespaceAlreadyIngressIsolated_KeepsTheRestrictionAndPreviewShowsNothingOpens()
    {
        const string Team = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: team}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: team, labels: {app: web}}
            spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db, namespace: team, labels: {app: db}}
            spec: {containers: [{name: db, image: db, ports: [{name: pg, containerPort: 5432}]}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-ingress, namespace: team}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """;
        using var input = new TempDirectory();
        var manifests = input.Write("team.yaml", Team);
        using var output = new TempDirectory();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", manifests, "--namespace", "team", "-o", output.Path);

        Assert.Equal(0, exit);
        var yaml = await File.ReadAllTextAsync(Path.Combine(output.Path, "team.yaml"), TestContext.Current.CancellationToken);
        Assert.Contains("  name: netpolgov-allow-same-namespace-egress\n", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("ingress:", yaml, StringComparison.Ordinal); // web and db stay closed to each other.
        var preview = await File.ReadAllTextAsync(Path.Combine(output.Path, "impact-preview.md"), TestContext.Current.CancellationToken);
        Assert.Contains("- PASS never-widen: no connection between existing pods that is denied today would be allowed", preview, StringComparison.Ordinal);
        Assert.Contains("Connections denied today that would be allowed: none (the plan never widens).", preview, StringComparison.Ordinal);
    }
}
