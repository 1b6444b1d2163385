using System.Diagnostics;
using System.Text;

namespace NetPolGovernance.Integration.Tests.Interruption;

/// <summary>
/// Ctrl+C and SIGTERM through the real <c>netpolgov</c> process: a clean stop with the documented exit code, a line on
/// stderr saying what was kept, and no truncated <c>-o</c> file (an earlier report there is left as it was).
/// </summary>
public sealed class CliInterruptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netpolgov-interrupt-").FullName;

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task Scan_SignalMidFleet_StopsCleanlyAndLeavesNoPartialReport(string signal, int expectedExitCode)
    {
        var ct = TestContext.Current.CancellationToken;
        var report = Path.Combine(_folder, "report.json");
        await File.WriteAllTextAsync(report, "earlier report", ct);
        using var process = StartCli("scan", "--simulated-fleet", "40", "--sim-latency-ms", "400", "--concurrency", "2", "-o", report);
        var stderr = new StringBuilder();
        var progressSeen = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }

            if (e.Data.Contains("clusters", StringComparison.Ordinal))
            {
                progressSeen.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        // Wait until the simulated fleet is up and the scan is under way, then signal the process.
        await progressSeen.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(ct);
        }

        await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        string text;
        lock (stderr)
        {
            text = stderr.ToString();
        }

        Assert.Equal(expectedExitCode, process.ExitCode);
        Assert.Contains("interrupted", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // no stack trace
        Assert.Equal("earlier report", await File.ReadAllTextAsync(report, ct));
        Assert.Empty(Directory.GetFiles(_folder, "*.partial", SearchOption.AllDirectories));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The CLI as built by its own project (with its own deps.json), in the configuration of this test run.</summary>
    private static string CliAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name; // .../bin/{Configuration}/{tfm}
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NetPolGovernance.sln")))
        {
            root = root.Parent;
        }

        var cli = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "NetPolGovernance.Cli", "bin", configuration, testOutput.Name, "netpolgov.dll");
        return File.Exists(cli) ? cli : throw new InvalidOperationException($"{cli} is not built");
    }

    private static Process StartCli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("netpolgov did not start");
    }
}
