using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

/// <summary>
/// A cluster read as empty is not a cluster read: every API server serves the namespace, pod and NetworkPolicy lists,
/// answers a list with an <c>items</c> array, and has the namespaces <c>default</c> and <c>kube-system</c>.
/// Anything else is Unknown with a reason, never "namespaces: 0, compliant".
/// </summary>
public sealed class EmptyClusterReadTests : IAsyncLifetime
{
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Collect_NoNamespacesAtAll_IsUnknownWithAReason()
    {
        var cluster = _server.AddCluster("empty", new KubeObjectStore("empty"));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("listed no namespaces at all", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(FailureKind.Format, outcome.FailureKind);
    }

    [Fact]
    public async Task Collect_NamespaceListWithoutKubeSystem_IsUnknown()
    {
        var store = new KubeObjectStore("partial");
        store.Add(KubeObjects.Namespace("default"));
        store.Add(KubeObjects.Namespace("shop"));
        var cluster = _server.AddCluster("partial", store);

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("has no kube-system", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespaces", "list namespaces at cluster scope answered 404")]
    [InlineData("pods", "list pods at cluster scope answered 404")]
    [InlineData("networkpolicies", "list networkpolicies.networking.k8s.io at cluster scope answered 404")]
    public async Task Collect_NotFoundOnACoreList_IsUnknownNamingTheList(string resource, string expected)
    {
        var cluster = _server.AddCluster("missing-" + resource).Add(KubeObjects.Namespace("shop"), KubeObjects.DefaultDeny("shop"));
        cluster.Faults.Add(KubeFault.NotFound(), KubeRequestMatch.Resource(resource));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains(expected, outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespaces")]
    [InlineData("pods")]
    [InlineData("networkpolicies")]
    public async Task Collect_EmptyObjectBodyForACoreList_IsUnknown(string resource)
    {
        var cluster = _server.AddCluster("braces-" + resource).Add(KubeObjects.Namespace("shop"));
        cluster.Faults.Add(KubeFault.Body("{}"), KubeRequestMatch.Resource(resource));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("no \"items\" array", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ServerListingNoNamespaces_ExitsIncompleteNotCompliant()
    {
        using var dir = new TempDirectory();
        using var cli = new CliHarness();
        var cluster = _server.AddCluster("empty-cli", new KubeObjectStore("empty-cli"));
        var kubeconfig = dir.Write("config", cluster.Kubeconfig());

        var exitCode = await cli.RunAsync("scan", "--kubeconfig", kubeconfig);

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.Contains("listed no namespaces at all", cli.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void RunCommandOutput_NamespaceListWithoutTheCoreNamespaces_IsNotASnapshot()
    {
        var logs = new RunCommandOutputBuilder().WithoutCoreNamespaces().Namespace("shop").DefaultDeny("shop").Build();

        var read = RunCommandOutputReader.Read(logs, new ClusterIdentity { Name = "private" });

        Assert.Null(read.Snapshot);
        Assert.Contains("has no default and kube-system", read.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void RunCommandOutput_NoNamespacesAtAll_IsNotASnapshot()
    {
        var read = RunCommandOutputReader.Read(new RunCommandOutputBuilder().WithoutCoreNamespaces().Build(), new ClusterIdentity { Name = "private" });

        Assert.Null(read.Snapshot);
        Assert.Contains("listed no namespaces at all", read.FailureReason, StringComparison.Ordinal);
    }

    private static Task<CollectionOutcome> CollectAsync(VirtualCluster cluster) =>
        new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance)
            .CollectAsync(cluster.CreateClientConfiguration(), new ClusterIdentity { Name = cluster.Id }, TestContext.Current.CancellationToken);
}
