using System.Diagnostics;
using System.Globalization;

namespace NetPolGovernance.Bench.Fleet;

/// <summary>
/// Runs a program in a child process and samples its peak resident set (<c>VmHWM</c> from <c>/proc/PID/status</c>)
/// while it runs, so the scanner's memory is measured apart from the simulator's.
/// </summary>
internal static class ChildProcessRun
{
    public static async Task<ChildResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        long peakKb = 0;
        var statusPath = $"/proc/{process.Id}/status";
        while (!process.HasExited)
        {
            peakKb = Math.Max(peakKb, ReadPeakKb(statusPath));
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        stopwatch.Stop();
        return new ChildResult(process.ExitCode, stopwatch.Elapsed, peakKb * 1024, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>This process's own peak resident set in bytes.</summary>
    public static long OwnPeakBytes() => ReadPeakKb("/proc/self/status") * 1024;

    private static long ReadPeakKb(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var digits = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The process ended between the check and the read.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: /proc entries vanish with the process.
        }

        return 0;
    }
}

internal sealed record ChildResult(int ExitCode, TimeSpan Elapsed, long PeakRssBytes, string Stdout, string Stderr);
