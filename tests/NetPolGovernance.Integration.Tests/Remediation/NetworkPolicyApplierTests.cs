using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Connectors.Remediation;
using NetPolGovernance.Simulator.Kubernetes;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Remediation;

public sealed class NetworkPolicyApplierTests : IAsyncLifetime
{
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static IReadOnlyList<NetworkPolicy> Baseline(string ns) => PolicyTemplates.For(RemediationProfile.Baseline, ns, []);

    private static List<RecordedRequest> Writes(VirtualCluster cluster) =>
        [.. cluster.Traffic.Requests.Where(r => r.Resource == "networkpolicies" && r.Verb is KubeVerb.Create or KubeVerb.Other)];

    [Fact]
    public async Task ApplyAsync_NewPolicies_DryRunsEveryObjectBeforeCreatingAny()
    {
        var cluster = _server.AddCluster("apply").Add(KubeObjects.Namespace("shop"));
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        var result = await new NetworkPolicyApplier(client).ApplyAsync(Baseline("shop"), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var writes = Writes(cluster);
        Assert.Equal(6, writes.Count);
        Assert.All(writes.Take(3), w => Assert.Contains("dryRun=All", w.Query, StringComparison.Ordinal));
        Assert.All(writes.Skip(3), w => Assert.DoesNotContain("dryRun", w.Query, StringComparison.Ordinal));
        Assert.All(writes, w => Assert.Equal("POST", w.Method));
        var stored = cluster.Objects.List(ApiResources.NetworkPolicies);
        Assert.Equal(["netpolgov-allow-dns", "netpolgov-allow-same-namespace", "netpolgov-default-deny"], stored.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(stored, s => Assert.Equal("netpolgov", s.Labels["app.kubernetes.io/managed-by"]));
        Assert.Equal(["shop/netpolgov-default-deny created", "shop/netpolgov-allow-dns created", "shop/netpolgov-allow-same-namespace created"], result.Applied);
        Assert.Equal(["kubectl delete networkpolicy -n shop -l app.kubernetes.io/managed-by=netpolgov"], result.BackoutCommands);
    }

    [Fact]
    public async Task ApplyAsync_UnmanagedPolicyWithPlannedName_StopsBeforeAnyWrite()
    {
        var cluster = _server.AddCluster("foreign").Add(
            KubeObjects.Namespace("shop"),
            KubeObjects.DefaultDeny("shop", PolicyTemplates.DefaultDenyName));
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        var result = await new NetworkPolicyApplier(client).ApplyAsync(Baseline("shop"), TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal(ApplyStage.Preflight, result.Stage);
        Assert.Contains("shop/netpolgov-default-deny: a NetworkPolicy with this name exists and was not created by netpolgov", Assert.Single(result.Problems), StringComparison.Ordinal);
        Assert.Empty(Writes(cluster));
        var untouched = Assert.Single(cluster.Objects.List(ApiResources.NetworkPolicies));
        Assert.False(untouched.Labels.ContainsKey("app.kubernetes.io/managed-by"));
    }

    [Fact]
    public async Task ApplyAsync_NamespaceMissing_DryRunRejectedAndNothingCreated()
    {
        var cluster = _server.AddCluster("missing-ns");
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        var result = await new NetworkPolicyApplier(client).ApplyAsync(Baseline("ghost"), TestContext.Current.CancellationToken);

        Assert.Equal(ApplyStage.DryRun, result.Stage);
        Assert.Equal(3, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Contains("dry run rejected: HTTP 404", p, StringComparison.Ordinal));
        Assert.All(Writes(cluster), w => Assert.Contains("dryRun=All", w.Query, StringComparison.Ordinal));
        Assert.Empty(cluster.Objects.List(ApiResources.NetworkPolicies));
    }

    [Fact]
    public async Task ApplyAsync_PolicyWithoutManagedLabel_RefusedWithoutAnyRequest()
    {
        var cluster = _server.AddCluster("unlabelled").Add(KubeObjects.Namespace("shop"));
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var policy = new NetworkPolicy { Namespace = "shop", Name = "hand-written", PodSelector = LabelSelector.Everything, PolicyTypes = ["Ingress"] };

        var result = await new NetworkPolicyApplier(client).ApplyAsync([policy], TestContext.Current.CancellationToken);

        Assert.Equal(ApplyStage.Preflight, result.Stage);
        Assert.Equal(0, cluster.Traffic.Calls);
    }
}
