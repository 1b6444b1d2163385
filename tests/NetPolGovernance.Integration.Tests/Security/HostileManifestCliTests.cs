using System.Diagnostics;
using NetPolGovernance.Integration.Tests.Manifests;
using NetPolGovernance.Testing.Manifests;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>
/// Hostile manifests through the real <c>netpolgov</c> process: exit 1 within seconds and one error line naming the
/// file and line, no stack trace (docs/security.md, "Input files").
/// </summary>
public sealed class HostileManifestCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Scan_AliasBomb_ExitsOneWithOneLineNamingTheFile()
    {
        var file = _dir.Write("bomb/bomb.yaml", ManifestFiles.AliasBomb());

        var (exitCode, stderr, elapsed) = await RunCliAsync("scan", "--manifests", file, "--engine", "cilium", "--format", "json");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"error: {file}:", line, StringComparison.Ordinal);
        Assert.Contains("alias", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}");
    }

    [Fact]
    public async Task Scan_FolderWithAFifoAndALinkLoop_FinishesAndNotesWhatItSkipped()
    {
        _dir.Write("m/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        HostileInput.MakeFifo(Path.Combine(_dir.Path, "m", "pipe.yaml"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "m", "self"), ".");

        var (exitCode, stdout, _) = await RunCliAsync(
            ["scan", "--manifests", Path.Combine(_dir.Path, "m"), "--engine", "cilium", "--format", "json"], readStdout: true);

        Assert.InRange(exitCode, 0, 2);
        Assert.Contains("pipe.yaml: a FIFO (named pipe), not a regular file; skipped without opening it", stdout, StringComparison.Ordinal);
        Assert.Contains("self: a link to a folder that is already being read; skipped", stdout, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunCliAsync(params string[] args) => RunCliAsync(args, readStdout: false);

    private static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunCliAsync(string[] args, bool readStdout)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(CliAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["COLUMNS"] = "1000"; // one error line, however long
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("netpolgov did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(90), ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, readStdout ? await stdout : await stderr, watch.Elapsed);
    }

    /// <summary>The CLI as built by its own project, in the configuration of this test run (as the interruption tests find it).</summary>
    private static string CliAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NetPolGovernance.sln")))
        {
            root = root.Parent;
        }

        var cli = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "NetPolGovernance.Cli", "bin", configuration, testOutput.Name, "netpolgov.dll");
        return File.Exists(cli) ? cli : throw new InvalidOperationException($"{cli} is not built");
    }
}
