using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// A kubeconfig cluster has no ARM profile: the DaemonSet list is the only engine evidence, and it decides
/// (docs/semantics.md §10). Every namespace here is well covered, so only the engine can change the verdict.
/// </summary>
public sealed class ScanEngineEvidenceTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _cli.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Scan_DaemonSetListShowsNoEngine_PoliciesAreUnenforcedAndExitIs2()
    {
        var kubeconfig = Kubeconfig(WellCovered("no-engine"));

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--format", "json");

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        var cluster = SingleCluster();
        Assert.Equal("none", cluster.GetProperty("engine").GetProperty("name").GetString());
        Assert.Equal("Fail", Finding(cluster, "NPG-C01"));
        Assert.Equal("Fail", Finding(cluster, "NPG-C02"));
        Assert.Equal("Unenforced", Namespace(cluster, "shop").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Scan_DaemonSetListForbidden_EngineAndVerdictAreUnknownAndExitIs3()
    {
        var cluster = WellCovered("ds-forbidden").Add(KubeObjects.DaemonSet("kube-system", "cilium", desired: 2, ready: 2));
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("daemonsets"));

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", Kubeconfig(cluster), "--format", "json");

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        var report = SingleCluster();
        Assert.Equal("unknown", report.GetProperty("engine").GetProperty("name").GetString());
        Assert.Equal("Unknown", Finding(report, "NPG-C01"));
        Assert.Equal("Unknown", Namespace(report, "shop").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("antrea-agent", "antrea")]
    [InlineData("kube-router", "kube-router")]
    [InlineData("weave-net", "weave-net")]
    [InlineData("cilium", "cilium")]
    public async Task Scan_ReadyEngineDaemonSet_NamesTheEngineAndTheClusterIsCompliant(string daemonSet, string engine)
    {
        var cluster = WellCovered("engine-" + engine).Add(KubeObjects.DaemonSet("kube-system", daemonSet, desired: 3, ready: 3));

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", Kubeconfig(cluster), "--format", "json");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        var report = SingleCluster();
        Assert.Equal(engine, report.GetProperty("engine").GetProperty("name").GetString());
        Assert.False(report.GetProperty("engine").GetProperty("declared").GetBoolean());
        Assert.Equal("Pass", Finding(report, "NPG-C01"));
        Assert.Equal("Compliant", Namespace(report, "shop").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Scan_EngineDeclaredWhereNoneIsDetected_IsReportedAsDeclaredInTheTable()
    {
        var kubeconfig = Kubeconfig(WellCovered("declared"));

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--engine", "kube-router");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.Contains("policy engine kube-router (declared, not detected)", _cli.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_UnknownEngineName_IsAUsageError()
    {
        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", Kubeconfig(WellCovered("bad-name")), "--engine", "flannel");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("'flannel' is not a valid value for --engine", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_EveryClusterTable_ShowsItsEngineLine()
    {
        var healthy = WellCovered("line-a").Add(KubeObjects.DaemonSet("kube-system", "calico-node", desired: 1, ready: 1));
        var locked = _server.AddCluster("line-b");
        locked.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("pods"));
        var kubeconfig = _dir.Write("config-all", _server.Kubeconfig([healthy, locked], currentContext: "line-a"));

        await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--all-contexts");

        Assert.Contains("policy engine calico", _cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("policy engine unknown", _cli.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A cluster whose every namespace (default included) has pods under a default deny both ways.</summary>
    private VirtualCluster WellCovered(string id) => _server.AddCluster(id).Add(
        KubeObjects.Namespace("shop"),
        KubeObjects.Pod("shop", "web"),
        KubeObjects.DefaultDeny("shop"),
        KubeObjects.Pod("default", "tool"),
        KubeObjects.DefaultDeny("default"));

    private string Kubeconfig(VirtualCluster cluster) => _dir.Write($"config-{cluster.Id}", cluster.Kubeconfig());

    private JsonElement SingleCluster()
    {
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        return Assert.Single(report.RootElement.GetProperty("clusters").EnumerateArray().ToList()).Clone();
    }

    private static string? Finding(JsonElement cluster, string checkId) =>
        cluster.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("checkId").GetString() == checkId).GetProperty("result").GetString();

    private static JsonElement Namespace(JsonElement cluster, string name) =>
        cluster.GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);
}
