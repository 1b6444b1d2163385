using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary><c>netpolgov scan --kubeconfig</c> against loopback clusters, through the real parser and KubernetesClient.</summary>
public sealed class ScanKubeconfigTests : IAsyncLifetime
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
    public async Task Scan_AllContexts_ReportsEveryClusterAndUnknownForTheForbiddenOne()
    {
        var healthy = _server.AddCluster("healthy").Add(KubeObjects.Namespace("shop"), KubeObjects.Pod("shop", "web"), KubeObjects.DefaultDeny("shop"));
        var locked = _server.AddCluster("locked").Add(KubeObjects.Namespace("shop"));
        locked.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("pods"));
        var kubeconfig = _dir.Write("config", _server.Kubeconfig());

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--all-contexts", "--concurrency", "2", "--format", "json");

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        var clusters = report.RootElement.GetProperty("clusters").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("Scanned", clusters["healthy"].GetProperty("status").GetString());
        Assert.Equal("healthy", clusters["healthy"].GetProperty("kubeContext").GetString());
        Assert.Equal("Kubeconfig", clusters["healthy"].GetProperty("accessPath").GetString());
        Assert.Equal(healthy.Traffic.Calls, clusters["healthy"].GetProperty("stats").GetProperty("apiCalls").GetInt32());
        Assert.Equal("Unknown", clusters["locked"].GetProperty("status").GetString());
        Assert.Equal("forbidden: list pods at cluster scope; grant the ClusterRole in docs/rbac.md", clusters["locked"].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Scan_KubeconfigWithoutContext_ScansOnlyTheCurrentContext()
    {
        var first = _server.AddCluster("first").Add(KubeObjects.Namespace("a"));
        var second = _server.AddCluster("second").Add(KubeObjects.Namespace("b"));
        var kubeconfig = _dir.Write("config", _server.Kubeconfig([first, second], currentContext: "second"));

        await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--format", "json");

        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        Assert.Equal("second", Assert.Single(report.RootElement.GetProperty("clusters").EnumerateArray().ToList()).GetProperty("name").GetString());
        Assert.Equal(0, first.Traffic.Calls);
        Assert.True(second.Traffic.Calls > 0);
    }

    [Fact]
    public async Task Scan_ExecUserContext_AuthenticatesThroughThePlugin()
    {
        var cluster = _server.AddCluster("exec-user").Add(KubeObjects.Namespace("a"));
        var kubeconfig = _dir.Write("config", cluster.Kubeconfig(userKind: KubeconfigUserKind.Exec));

        await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--context", "exec-user", "--format", "json");

        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        Assert.Equal("Scanned", report.RootElement.GetProperty("clusters")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Scan_UnknownContext_ReturnsUsageErrorListingKnownContexts()
    {
        var cluster = _server.AddCluster("known");
        var kubeconfig = _dir.Write("config", cluster.Kubeconfig());

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--context", "missing");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("no context named 'missing'; known contexts: known", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Fact]
    public async Task Scan_MissingKubeconfigFile_ReturnsUsageErrorNamingTheFile()
    {
        var missing = Path.Combine(_dir.Path, "nope");

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", missing);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"kubeconfig {missing}: file not found", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ContextAndAllContexts_ReturnsUsageError()
    {
        var kubeconfig = _dir.Write("config", _server.AddCluster("x").Kubeconfig());

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--context", "x", "--all-contexts");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("choose --context NAME... or --all-contexts, not both", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_NonNumericConcurrency_IsAParseErrorNotACrash()
    {
        var kubeconfig = _dir.Write("config", _server.AddCluster("z").Kubeconfig());

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--concurrency", "many");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("'many' for option '--concurrency'", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ZeroConcurrency_IsRejectedByTheParser()
    {
        var kubeconfig = _dir.Write("config", _server.AddCluster("y").Kubeconfig());

        var exitCode = await _cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--concurrency", "0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--concurrency must be between 1 and 256", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_Concurrency_AppliesToEverySource()
    {
        var manifests = _dir.Write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n");

        var exitCode = await _cli.RunAsync("scan", "--manifests", manifests, "--concurrency", "300");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--concurrency must be between 1 and 256", _cli.StandardError, StringComparison.Ordinal);
    }
}
