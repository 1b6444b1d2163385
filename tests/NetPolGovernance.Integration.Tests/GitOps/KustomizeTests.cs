using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.GitOps;

/// <summary>
/// <c>--kustomize DIR</c> through the real kubectl (its built-in <c>kubectl kustomize</c>) on TestData/gitops/kustomize:
/// a base and a prod overlay that sets the namespace, a name prefix and patches egress into the default deny. The
/// folder read as plain manifests holds no policy, so the assertions fail unless the overlay is rendered.
/// </summary>
public sealed class KustomizeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    public KustomizeTests()
    {
        // The harness hides the test process's environment; kubectl is found on the real PATH.
        _cli.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
    }

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    private static string Kustomize(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", "gitops", "kustomize", .. parts]);

    private static JsonElement Namespace(JsonDocument report, string name) =>
        report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Scan_Kustomize_JudgesTheRenderedOverlay()
    {
        var exitCode = await _cli.RunAsync("scan", "--kustomize", Kustomize("overlays", "prod"), "-f", "json");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        Assert.Equal("prod", report.RootElement.GetProperty("clusters")[0].GetProperty("name").GetString());
        var prod = Namespace(report, "shop-prod");
        Assert.Equal("Compliant", prod.GetProperty("status").GetString());
        Assert.Equal(["prod-default-deny"], prod.GetProperty("policyNames").EnumerateArray().Select(p => p.GetString()));
        Assert.True(prod.GetProperty("defaultDenyEgress").GetBoolean());
        Assert.Equal(["Deployment/prod-api"], prod.GetProperty("derivedPods").EnumerateArray().Select(p => p.GetString()));
        Assert.DoesNotContain(report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray(), n => n.GetProperty("name").GetString() == "base-placeholder");
    }

    [Fact]
    public async Task Scan_KustomizeWithPaths_ReadsBothIntoOneCluster()
    {
        var apps = Path.Combine(AppContext.BaseDirectory, "TestData", "gitops", "chart-folder", "apps");

        await _cli.RunAsync("scan", apps, "--kustomize", Kustomize("overlays", "prod"), "-f", "json");

        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        Assert.Equal("Compliant", Namespace(report, "shop-prod").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, Namespace(report, "shop").ValueKind);
    }

    [Fact]
    public async Task Lint_Kustomize_ReadsTheRenderedOverlayToo()
    {
        var exitCode = await _cli.RunAsync("lint", "--kustomize", Kustomize("overlays", "prod"));

        Assert.NotEqual(ExitCodes.UsageError, exitCode);
        Assert.DoesNotContain("error:", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_KustomizeBuildFails_ShowsKubectlsMessage_Exit1()
    {
        var broken = Kustomize("broken");

        var exitCode = await _cli.RunAsync("scan", "--kustomize", broken);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        var error = _cli.StandardError.ReplaceLineEndings(string.Empty);
        Assert.StartsWith($"error: {broken}: kubectl kustomize failed (exit code 1): ", error, StringComparison.Ordinal);
        Assert.Single(_cli.StandardError.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("missing.yaml", error, StringComparison.Ordinal);
        Assert.Empty(_cli.RawStandardOutput);
    }

    [Fact]
    public async Task Scan_KustomizeFolderMissing_Exit1()
    {
        var missing = Path.Combine(_dir.Path, "nope");

        var exitCode = await _cli.RunAsync("scan", "--kustomize", missing);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Equal($"error: {missing}: --kustomize: no such folder", _cli.StandardError.Trim());
    }

    [Fact]
    public async Task Scan_KubectlNotOnPath_SaysSoAndHowToInstall()
    {
        _cli.Environment["PATH"] = _dir.Path;

        var exitCode = await _cli.RunAsync("scan", "--kustomize", Kustomize("overlays", "prod"));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        // The test console wraps at 200 columns: compare without white space.
        var error = string.Concat(_cli.StandardError.Where(c => !char.IsWhiteSpace(c)));
        Assert.Contains("kubectlwasnotfoundonPATH;installkubectl(Debian/Ubuntu:apt-getinstallkubectl", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_RunsOnlyKustomizeWithAnArgumentList()
    {
        var log = Path.Combine(_dir.Path, "args.log");
        var bin = FakeKubectl($"printf '%s\\n' \"$@\" > '{log}'\necho 'apiVersion: v1'\necho 'kind: Namespace'\necho 'metadata: {{name: fake}}'\n");
        var folder = Directory.CreateDirectory(Path.Combine(_dir.Path, "-odd name; rm -rf x")).FullName;

        var rendered = await KustomizeRenderer.RenderAsync(folder, bin, ManifestLimits.Default, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(["kustomize", folder], await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken));
        Assert.Equal("kustomize:" + folder, rendered.Name);
        Assert.Contains("kind: Namespace", Encoding.UTF8.GetString(rendered.Content.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_OutlivesItsTimeout_IsStoppedWithAClearError()
    {
        var bin = FakeKubectl("sleep 60\n");
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<InputFileException>(() =>
            KustomizeRenderer.RenderAsync(_dir.Path, bin, ManifestLimits.Default, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));

        Assert.Equal($"{_dir.Path}: kubectl kustomize did not finish within 1 s; it was stopped", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task RenderAsync_Cancelled_StopsKubectl()
    {
        var bin = FakeKubectl("sleep 60\n");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            KustomizeRenderer.RenderAsync(_dir.Path, bin, ManifestLimits.Default, TimeSpan.FromMinutes(1), cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    /// <summary>A folder holding an executable <c>kubectl</c> shell script with <paramref name="body"/>, for the process handling tests.</summary>
    private string FakeKubectl(string body)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir.Path, "bin")).FullName;
        var script = Path.Combine(bin, "kubectl");
        File.WriteAllText(script, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }
}
