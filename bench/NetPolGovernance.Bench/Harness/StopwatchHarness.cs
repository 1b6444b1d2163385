using System.Diagnostics;
using System.Globalization;

namespace NetPolGovernance.Bench.Harness;

/// <summary>
/// One measured operation: median and minimum wall time, median process CPU time (a fairer single-core figure
/// when the machine is shared), and bytes allocated per run on the measuring thread.
/// </summary>
internal sealed record Measurement(string Name, int Iterations, double MedianMs, double MinMs, double MedianCpuMs, long AllocatedBytes);

/// <summary>
/// A small Stopwatch harness: warm-up runs, then timed runs; reports median, min and allocated bytes
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, so measure single-threaded work).
/// </summary>
internal static class StopwatchHarness
{
    public static Measurement Measure(string name, Action run, int warmup, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        for (var i = 0; i < warmup; i++)
        {
            run();
        }

        var times = new double[iterations];
        var allocated = new long[iterations];
        var cpu = new double[iterations];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < iterations; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetAllocatedBytesForCurrentThread();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            run();
            watch.Stop();
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        Array.Sort(allocated);
        Array.Sort(cpu);
        return new Measurement(name, iterations, times[iterations / 2], times[0], cpu[iterations / 2], allocated[iterations / 2]);
    }

    /// <summary>Prints measurements as a fixed-width table, with an optional target column.</summary>
    public static void PrintTable(TextWriter output, string title, IEnumerable<(Measurement Measurement, string Target)> rows)
    {
        output.WriteLine();
        output.WriteLine(title);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"benchmark",-44} {"runs",5} {"median ms",10} {"min ms",10} {"cpu ms",8} {"alloc MB",9}  target"));
        output.WriteLine(new string('-', 108));
        foreach (var (m, target) in rows)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{m.Name,-44} {m.Iterations,5} {m.MedianMs,10:F1} {m.MinMs,10:F1} {m.MedianCpuMs,8:F1} {m.AllocatedBytes / 1048576.0,9:F1}  {target}"));
        }
    }
}
