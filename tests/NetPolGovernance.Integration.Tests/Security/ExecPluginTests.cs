using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>Exec credential plugins: run once per context, by netpolgov, killed with their tree on timeout, refusable.</summary>
public sealed class ExecPluginTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string RunsFile => Path.Combine(_dir.Path, "runs");

    private int Runs => File.Exists(RunsFile) ? File.ReadAllLines(RunsFile).Length : 0;

    // A plugin that appends one line per run to RUNS, keeps what it was given in KUBERNETES_EXEC_INFO and prints the token.
    private string CountingPlugin(string token) => _dir.Write("plugin.sh", $$$"""
        echo run >> "$RUNS"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$RUNS.info"
        printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{token}}}"}}'
        """);

    private string ExecKubeconfig(VirtualCluster cluster, string script, Dictionary<string, string>? environment = null) =>
        _dir.Write("config", KubeconfigYaml.Exec("exec", cluster.ServerUrl.AbsoluteUri, _server.CaPem, script, environment ?? new() { ["RUNS"] = RunsFile }));

    [Fact]
    public async Task Scan_ExecContext_RunsThePluginExactlyOnceWithNonInteractiveExecInfo()
    {
        var cluster = _server.AddCluster("exec-once").Add(KubeObjects.Namespace("a"));
        var kubeconfig = ExecKubeconfig(cluster, CountingPlugin(cluster.Token));
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--format", "json");

        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Equal("Scanned", report.RootElement.GetProperty("clusters")[0].GetProperty("status").GetString());
        Assert.Equal(1, Runs);
        using var info = JsonDocument.Parse(await File.ReadAllTextAsync(RunsFile + ".info", TestContext.Current.CancellationToken));
        Assert.Equal("ExecCredential", info.RootElement.GetProperty("kind").GetString());
        Assert.False(info.RootElement.GetProperty("spec").GetProperty("interactive").GetBoolean());
    }

    [Fact]
    public async Task Scan_NoExecPlugins_ContextIsUnknownAndThePluginNeverRuns()
    {
        var cluster = _server.AddCluster("exec-refused").Add(KubeObjects.Namespace("a"));
        var kubeconfig = ExecKubeconfig(cluster, CountingPlugin(cluster.Token));
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--no-exec-plugins", "--format", "json");

        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var result = report.RootElement.GetProperty("clusters")[0];
        Assert.Equal("Unknown", result.GetProperty("status").GetString());
        Assert.Contains("exec credential plugin", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("--no-exec-plugins", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Runs);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task RemediateApply_NoExecPlugins_ExitsOneAndThePluginNeverRuns()
    {
        var cluster = _server.AddCluster("exec-apply").Add(KubeObjects.Namespace("shop"));
        var kubeconfig = ExecKubeconfig(cluster, CountingPlugin(cluster.Token));
        var manifests = Path.Combine(AppContext.BaseDirectory, "TestData", "Reachability", "cluster.yaml");
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", manifests, "--apply", "--kubeconfig", kubeconfig, "--context", "exec", "--no-exec-plugins");

        Assert.Equal(1, exit);
        Assert.Contains("--no-exec-plugins", cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, Runs);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task RemediateApply_ExecContext_RunsThePluginOnceForTheReadAndTheApply()
    {
        var cluster = _server.AddCluster("exec-apply-once").Add(KubeObjects.Namespace("default"), KubeObjects.Namespace("kube-system"), KubeObjects.Namespace("shop"), KubeObjects.Pod("shop", "web-1"));
        var kubeconfig = ExecKubeconfig(cluster, CountingPlugin(cluster.Token));
        using var cli = new CliHarness();

        await cli.RunAsync("remediate", "--kubeconfig", kubeconfig, "--context", "exec", "--apply");

        // The read and the apply both talked to the cluster, with one run of the plugin between them.
        Assert.Contains(cluster.Traffic.Requests, r => r.Verb == KubeVerb.List);
        Assert.Contains(cluster.Traffic.Requests, r => r.Verb == KubeVerb.Create);
        Assert.Equal(1, Runs);
    }

    [Fact]
    public async Task BuildConfiguration_SameContextTwice_RunsThePluginOnceWhileItsCredentialIsValid()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = _server.AddCluster("exec-cached");
        var kubeconfig = ExecKubeconfig(cluster, CountingPlugin(cluster.Token));

        var first = await (await KubeconfigFile.LoadAsync([kubeconfig], ct)).BuildConfigurationAsync("exec", ct);
        var second = await (await KubeconfigFile.LoadAsync([kubeconfig], ct)).BuildConfigurationAsync("exec", ct);

        Assert.Equal(1, Runs);
        Assert.Equal(cluster.Token, first.AccessToken);
        Assert.Equal(cluster.Token, second.AccessToken);
    }

    [Fact]
    public async Task BuildConfiguration_CredentialExpired_RunsThePluginAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = _server.AddCluster("exec-expired");
        var script = _dir.Write("expired.sh", $$$"""
            echo run >> "$RUNS"
            printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{cluster.Token}}}","expirationTimestamp":"2001-01-01T00:00:00Z"}}'
            """);
        var kubeconfig = ExecKubeconfig(cluster, script);

        await (await KubeconfigFile.LoadAsync([kubeconfig], ct)).BuildConfigurationAsync("exec", ct);
        await (await KubeconfigFile.LoadAsync([kubeconfig], ct)).BuildConfigurationAsync("exec", ct);

        Assert.Equal(2, Runs);
    }

    [Fact]
    public async Task Scan_ExecPluginTimeoutFlag_StopsThePluginAfterThatManySeconds()
    {
        var cluster = _server.AddCluster("exec-flag-timeout");
        var script = _dir.Write("slow.sh", "sleep 300");
        var kubeconfig = ExecKubeconfig(cluster, script);
        using var cli = new CliHarness();

        await cli.RunAsync("scan", "--kubeconfig", kubeconfig, "--exec-plugin-timeout", "1", "--format", "json");

        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var result = report.RootElement.GetProperty("clusters")[0];
        Assert.Equal("Unknown", result.GetProperty("status").GetString());
        Assert.Contains("did not finish within 1 s", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1801")]
    public async Task Scan_ExecPluginTimeoutOutOfRange_IsRefusedNamingTheFlag(string seconds)
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--kubeconfig", Path.Combine(_dir.Path, "absent"), "--exec-plugin-timeout", seconds);

        Assert.Equal(1, exit);
        Assert.Contains("--exec-plugin-timeout must be a whole number of seconds between 1 and 1800", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildConfiguration_PluginOutlivesItsTimeout_IsKilledWithItsChildren()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = _server.AddCluster("exec-hangs");
        var pidFile = Path.Combine(_dir.Path, "child.pid");
        var script = _dir.Write("hang.sh", """
            sleep 300 &
            echo $! > "$PIDFILE"
            wait
            """);
        var file = await KubeconfigFile.LoadAsync([ExecKubeconfig(cluster, script, new() { ["PIDFILE"] = pidFile })], ct);
        file.ExecPlugins = new ExecPluginOptions { Timeout = TimeSpan.FromSeconds(2) };

        var error = await Assert.ThrowsAsync<ExecPluginException>(() => file.BuildConfigurationAsync("exec", ct));

        Assert.Contains("did not finish within 2 s; it was stopped with its child processes", error.Message, StringComparison.Ordinal);
        var child = int.Parse((await File.ReadAllTextAsync(pidFile, ct)).Trim(), CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsRunning(child) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        Assert.False(IsRunning(child), $"the plugin's child process {child} is still running");
    }

    [Fact]
    public async Task BuildConfiguration_PluginFails_ReasonNamesTheCommandAndItsLastErrorLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = _server.AddCluster("exec-fails");
        var script = _dir.Write("fail.sh", """
            echo "login required: run az login" >&2
            exit 3
            """);
        var file = await KubeconfigFile.LoadAsync([ExecKubeconfig(cluster, script)], ct);

        var error = await Assert.ThrowsAsync<ExecPluginException>(() => file.BuildConfigurationAsync("exec", ct));

        Assert.Equal("credentials: context 'exec': the exec credential plugin '/bin/sh' exited with code 3: login required: run az login", error.Message);
    }

    // A process is gone when /proc no longer lists it or it is a zombie waiting for a parent that is not us.
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
