using System.Diagnostics;
using System.Globalization;

namespace NetPolGovernance.Bench.Fleet;

/// <summary>
/// Runs a program in a child process and samples its peak resident set (<c>VmHWM</c> from <c>/proc/PID/status</c>)
/// and its CPU time (user + system, from <c>/proc/PID/stat</c>) while it runs, so the scanner's memory and CPU are
/// measured apart from the simulator's.
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
        var cpu = TimeSpan.Zero;
        var statusPath = $"/proc/{process.Id}/status";
        var statPath = $"/proc/{process.Id}/stat";
        while (!process.HasExited)
        {
            peakKb = Math.Max(peakKb, ReadPeakKb(statusPath));
            cpu = ReadCpu(statPath) is { } sampled && sampled > cpu ? sampled : cpu;
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        stopwatch.Stop();
        return new ChildResult(process.ExitCode, stopwatch.Elapsed, peakKb * 1024, cpu, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>This process's own peak resident set in bytes.</summary>
    public static long OwnPeakBytes() => ReadPeakKb("/proc/self/status") * 1024;

    /// <summary>User + system CPU time of a running process (clock ticks of 1/100 s, the Linux USER_HZ), or null once it is gone.</summary>
    private static TimeSpan? ReadCpu(string statPath)
    {
        try
        {
            var stat = File.ReadAllText(statPath);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

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

internal sealed record ChildResult(int ExitCode, TimeSpan Elapsed, long PeakRssBytes, TimeSpan Cpu, string Stdout, string Stderr);
