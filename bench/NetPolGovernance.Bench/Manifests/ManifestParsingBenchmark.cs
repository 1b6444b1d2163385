using System.Diagnostics;
using System.Globalization;
using NetPolGovernance.Testing.Manifests;

namespace NetPolGovernance.Bench.Manifests;

/// <summary>
/// Hostile and large input files through the real <c>netpolgov</c> process, one process per case so that each peak
/// is its own: the 460-byte alias bomb, 10,000 pods of <c>kubectl get -o yaml</c> (one List, about 25 MB) and a
/// kubeconfig of 10,000 contexts (one selected; its server is a closed loopback port, so the scan ends Unknown).
/// Prints wall and CPU time, peak RSS (from <c>/usr/bin/time</c>, where present) and the exit code.
/// <c>NETPOLGOV_CLI</c> names another <c>netpolgov.dll</c> to measure (a build of an earlier commit).
/// </summary>
internal static class ManifestParsingBenchmark
{
    private const string TimeTool = "/usr/bin/time";

    public static int Run(bool smoke, TextWriter output)
    {
        var (pods, contexts) = smoke ? (200, 200) : (10_000, 10_000);
        // NETPOLGOV_CLI=/path/to/netpolgov.dll measures another build (an earlier commit) on the same inputs.
        var cli = Environment.GetEnvironmentVariable("NETPOLGOV_CLI") is { Length: > 0 } other ? other : CliAssembly();
        var folder = Directory.CreateTempSubdirectory("netpolgov-bench-manifests-").FullName;
        try
        {
            var bomb = Path.Combine(folder, "bomb.yaml");
            File.WriteAllText(bomb, ManifestFiles.AliasBomb());
            var podList = Path.Combine(folder, "pods.yaml");
            ManifestFiles.WritePodList(podList, pods);
            var kubeconfig = Path.Combine(folder, "kubeconfig");
            ManifestFiles.WriteKubeconfig(kubeconfig, contexts);
            var report = Path.Combine(folder, "report.json");

            output.WriteLine($"netpolgov: {cli}");
            output.WriteLine($"{"case",-34} {"input",12} {"exit",5} {"wall s",8} {"cpu s",8} {"peak RSS MB",12}");
            var cases = new (string Name, string Input, string[] Args)[]
            {
                ("alias bomb", bomb, ["scan", "--manifests", bomb, "--engine", "cilium", "--format", "json", "-o", report]),
                ($"{pods:N0} pods (kubectl get -o yaml)", podList, ["scan", "--manifests", podList, "--engine", "cilium", "--format", "json", "-o", report]),
                ($"kubeconfig of {contexts:N0} contexts", kubeconfig, ["scan", "--kubeconfig", kubeconfig, "--context", "c1", "--format", "json", "-o", report]),
            };
            foreach (var (name, input, args) in cases)
            {
                var result = RunCli(cli, args);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name,-34} {new FileInfo(input).Length,12:N0} {result.ExitCode,5} {result.WallSeconds,8:F2} {Show(result.CpuSeconds),8} {Show(result.PeakRssMegabytes),12}"));
                if (result.FirstErrorLine is { } error)
                {
                    output.WriteLine($"    {error}");
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Show(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private sealed record CliRun(int ExitCode, double WallSeconds, double? CpuSeconds, double? PeakRssMegabytes, string? FirstErrorLine);

    private static CliRun RunCli(string cli, string[] args)
    {
        var timed = File.Exists(TimeTool);
        var start = new ProcessStartInfo(timed ? TimeTool : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (timed)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add("NETPOLGOV-TIME %U %S %M");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("netpolgov did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        var wall = watch.Elapsed.TotalSeconds;
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var timing = lines.LastOrDefault(l => l.StartsWith("NETPOLGOV-TIME ", StringComparison.Ordinal))?.Split(' ');
        var error = lines.FirstOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal));
        var exitCode = process.ExitCode;
        return timing is { Length: 4 }
            ? new CliRun(exitCode, wall, Parse(timing[1]) + Parse(timing[2]), Parse(timing[3]) / 1024, Shorten(error))
            : new CliRun(exitCode, wall, null, null, Shorten(error));

        static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

        static string? Shorten(string? line) => line is null || line.Length <= 200 ? line : line[..200] + "…";
    }

    /// <summary>The CLI as built by its own project next to this benchmark (same configuration).</summary>
    private static string CliAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NetPolGovernance.sln")))
        {
            root = root.Parent;
        }

        var cli = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "NetPolGovernance.Cli", "bin", configuration, output.Name, "netpolgov.dll");
        return File.Exists(cli) ? cli : throw new InvalidOperationException($"{cli} is not built");
    }
}
