using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Bench.Fleet;

/// <summary>
/// Scans simulated fleets of growing size with the real <c>netpolgov scan --kubeconfig --all-contexts</c> in a child
/// process (so its peak RSS is its own), and runs the manual kubectl procedure against a sample of the same
/// clusters. Prints one table row per size and the kubectl baseline with the speed-up.
/// <para>Options (after the benchmark name): <c>--fleet-sizes=10,100,1000</c>, <c>--fleet-namespaces=50</c> (mean per
/// cluster), <c>--fleet-pods=500</c> (mean pods per cluster; <c>--fleet-pods-per-namespace=N</c> instead sets the
/// mean per namespace, e.g. 500 for 25,000-pod clusters), <c>--fleet-latency-ms=20</c>, <c>--fleet-concurrency=N</c>
/// (default: the CLI's), <c>--kubectl-sample=3</c>, <c>--fleet-seed=1</c>.</para>
/// </summary>
internal static class FleetBenchmark
{
    public static int Run(bool smoke, TextWriter output) => RunAsync(smoke, output).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(bool smoke, TextWriter output)
    {
        var args = Environment.GetCommandLineArgs();
        var sizes = smoke ? [3] : Ints(args, "--fleet-sizes", [10, 100, 1000]);
        var namespaces = smoke ? 6 : Int(args, "--fleet-namespaces", 50);
        var podsPerNamespace = smoke ? 12 : Int(args, "--fleet-pods-per-namespace", 0) is > 0 and var perNamespace
            ? perNamespace
            : Math.Max(1, (int)Math.Round(Int(args, "--fleet-pods", 500) / (double)namespaces));
        var latency = TimeSpan.FromMilliseconds(Int(args, "--fleet-latency-ms", 20));
        var concurrency = Int(args, "--fleet-concurrency", 0);
        var sample = smoke ? 1 : Int(args, "--kubectl-sample", 3);
        var seed = Int(args, "--fleet-seed", 1);
        var netpolgov = FindCli();
        var kubectl = KubectlProcedure.FindKubectl();

        output.WriteLine($"fleet: {string.Join(", ", sizes)} clusters × ~{namespaces} namespaces × ~{podsPerNamespace} pods per namespace (~{namespaces * podsPerNamespace:N0} pods per cluster), {latency.TotalMilliseconds:0} ms per API call, seed {seed}");
        output.WriteLine($"scanner: dotnet {Path.GetFileName(netpolgov)} scan --kubeconfig F --all-contexts --format jsonl (child process){(concurrency > 0 ? $" --concurrency {concurrency}" : string.Empty)}");
        output.WriteLine();
        output.WriteLine(FleetRow.Header);

        var exitCode = 0;
        FleetRow? previous = null;
        FleetRow? largest = null;
        KubectlBaseline? baseline = null;
        foreach (var size in sizes)
        {
            var options = new FleetSimulationOptions
            {
                Seed = seed,
                Clusters = size,
                NamespacesPerCluster = namespaces,
                PodsPerNamespace = podsPerNamespace,
                Latency = latency,
                PrivateRate = 0,
                StoppedRate = 0,
            };
            await using var simulator = await FleetSimulator.StartAsync(options, CancellationToken.None);
            var work = Directory.CreateTempSubdirectory("netpolgov-fleet-bench-");
            try
            {
                var kubeconfig = Path.Combine(work.FullName, "kubeconfig");
                await File.WriteAllTextAsync(kubeconfig, simulator.Kubeconfig());
                var report = Path.Combine(work.FullName, "report.jsonl");
                List<string> arguments = [netpolgov, "scan", "--kubeconfig", kubeconfig, "--all-contexts", "--format", "jsonl", "--output", report];
                if (concurrency > 0)
                {
                    arguments.AddRange(["--concurrency", concurrency.ToString(CultureInfo.InvariantCulture)]);
                }

                var simulatorCpu = Environment.CpuUsage.TotalTime;
                var child = await ChildProcessRun.RunAsync("dotnet", arguments, CancellationToken.None);
                simulatorCpu = Environment.CpuUsage.TotalTime - simulatorCpu;
                if (!File.Exists(report))
                {
                    output.WriteLine($"scan failed (exit {child.ExitCode}): {child.Stderr.Trim()}");
                    return 1;
                }

                var plans = simulator.Fleet.Clusters.ToList();
                var traffic = plans.Select(p => simulator.Cluster(p.Name)!.Traffic).ToList();
                var sampled = Sample(plans, sample);
                var scanned = ReadReport(report, sampled.Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
                var row = new FleetRow(
                    size,
                    plans.Sum(p => p.Namespaces.Count),
                    plans.Sum(p => (long)p.PodCount),
                    child.Elapsed,
                    traffic.Sum(t => t.Calls) / (double)size,
                    traffic.Sum(t => t.Continuations) / (double)size,
                    traffic.Sum(t => t.BytesSent) / (double)size,
                    child.PeakRssBytes,
                    child.Cpu,
                    simulatorCpu);
                output.WriteLine(row.Format(previous));
                if (scanned.NotScanned.Count > 0)
                {
                    output.WriteLine($"  {scanned.NotScanned.Count} clusters not Scanned, e.g. {scanned.NotScanned[0]}");
                    exitCode = 1;
                }

                if (child.ExitCode is not (0 or 2))
                {
                    output.WriteLine($"  netpolgov exited {child.ExitCode}: {child.Stderr.Trim()}");
                    exitCode = 1;
                }

                previous = row;
                largest = row;
                if (kubectl is not null && size == sizes[^1])
                {
                    baseline = await KubectlBaseline.RunAsync(kubectl, kubeconfig, work.FullName, sampled, scanned.WithoutPolicies, size);
                }
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }

        output.WriteLine();
        if (baseline is null || largest is null)
        {
            output.WriteLine("kubectl baseline: kubectl not found; run bench/setup.sh (installs Debian's kubernetes-client)");
            return smoke ? exitCode : 1;
        }

        output.WriteLine(baseline.Describe(largest));
        return baseline.AllAgree ? exitCode : 1;
    }

    /// <summary>
    /// The CLI's own build output (its deps.json resolves its dependencies; the copy next to the bench does not),
    /// in the bench's configuration: <c>src/NetPolGovernance.Cli/bin/{Release|Debug}/net10.0/netpolgov.dll</c>.
    /// </summary>
    private static string FindCli()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = baseDirectory.Parent?.Name ?? "Release";
        for (var dir = baseDirectory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "NetPolGovernance.Cli", "bin", configuration, baseDirectory.Name, "netpolgov.dll");
            if (File.Exists(Path.Combine(dir.FullName, "NetPolGovernance.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "netpolgov.dll");
    }

    private static List<SimulatedClusterPlan> Sample(List<SimulatedClusterPlan> plans, int count)
    {
        count = Math.Clamp(count, 1, plans.Count);
        return [.. Enumerable.Range(0, count).Select(i => plans[(int)((long)i * plans.Count / count)])];
    }

    /// <summary>Statuses of every cluster, and the namespaces without NetworkPolicy of the sampled ones, from the jsonl report.</summary>
    private static ReportDigest ReadReport(string path, HashSet<string> sampled)
    {
        var notScanned = new List<string>();
        var without = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.GetProperty("type").GetString() != "cluster")
            {
                continue;
            }

            var cluster = root.GetProperty("cluster");
            var name = cluster.GetProperty("name").GetString()!;
            if (cluster.GetProperty("status").GetString() != "Scanned")
            {
                notScanned.Add($"{name}: {cluster.GetProperty("status").GetString()} ({cluster.GetProperty("reason").GetString()})");
            }

            if (sampled.Contains(name))
            {
                without[name] = [.. cluster.GetProperty("namespaces").EnumerateArray()
                    .Where(n => !n.GetProperty("hasPolicy").GetBoolean())
                    .Select(n => n.GetProperty("name").GetString()!)
                    .Order(StringComparer.Ordinal)];
            }
        }

        return new ReportDigest(notScanned, without);
    }

    private static int Int(string[] args, string name, int fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
            ? int.Parse(arg[(name.Length + 1)..], CultureInfo.InvariantCulture)
            : fallback;

    private static int[] Ints(string[] args, string name, int[] fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
            ? [.. arg[(name.Length + 1)..].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
            : fallback;

    private sealed record ReportDigest(List<string> NotScanned, Dictionary<string, IReadOnlyList<string>> WithoutPolicies);
}

/// <summary>One size of the fleet benchmark: what the scanner did, and what the simulator on the same machine cost.</summary>
internal sealed record FleetRow(
    int Clusters,
    int Namespaces,
    long Pods,
    TimeSpan Wall,
    double CallsPerCluster,
    double ContinuationsPerCluster,
    double BytesPerCluster,
    long PeakRssBytes,
    TimeSpan ScannerCpu,
    TimeSpan SimulatorCpu)
{
    public const string Header =
        "| clusters | namespaces | pods | wall s | clusters/s | calls/cluster (of which next pages) | KiB/cluster | peak RSS MB | scanner CPU s | simulator CPU s | growth from the previous size |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    public string Format(FleetRow? previous)
    {
        var growth = previous is null
            ? "–"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"clusters ×{Clusters / (double)previous.Clusters:0.#}: wall ×{Wall / previous.Wall:0.00}, calls/cluster ×{CallsPerCluster / previous.CallsPerCluster:0.00}, KiB/cluster ×{BytesPerCluster / previous.BytesPerCluster:0.00}, RSS ×{PeakRssBytes / (double)previous.PeakRssBytes:0.00}, scanner CPU ×{ScannerCpu / previous.ScannerCpu:0.00}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {Clusters:N0} | {Namespaces:N0} | {Pods:N0} | {Wall.TotalSeconds:0.0} | {Clusters / Wall.TotalSeconds:0.0} | {CallsPerCluster:0.0} ({ContinuationsPerCluster:0.0}) | {BytesPerCluster / 1024:N0} | {PeakRssBytes / 1048576.0:0} | {ScannerCpu.TotalSeconds:0.0} | {SimulatorCpu.TotalSeconds:0.0} | {growth} |");
    }
}
