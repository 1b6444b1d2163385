using NetPolGovernance.Bench;
using NetPolGovernance.Bench.Analysis;
using NetPolGovernance.Bench.Fleet;
using NetPolGovernance.Bench.Flows;
using NetPolGovernance.Bench.Kubernetes;
using NetPolGovernance.Bench.LogAnalytics;
using NetPolGovernance.Bench.Manifests;
using NetPolGovernance.Bench.Reachability;

// Benchmark entry point.
//   dotnet run -c Release --project bench/NetPolGovernance.Bench -- <name> [<name>...]   full size, prints a table
//   dotnet run -c Release --project bench/NetPolGovernance.Bench -- --smoke               every benchmark at a tiny size (CI)
// Register a benchmark by adding one line to the table below: name -> (smoke, output) => exit code.
// To serve a simulated fleet (not a benchmark): `netpolgov simulate` (README "Simulated fleet").

var benchmarks = new SortedDictionary<string, Func<bool, TextWriter, int>>(StringComparer.OrdinalIgnoreCase)
{
    ["analysis"] = AnalysisBenchmark.Run,
    ["azure-inventory"] = AzureInventoryBenchmark.Run,
    ["fleet"] = FleetBenchmark.Run,
    ["flows"] = FlowsBenchmark.Run,
    ["kubernetes"] = KubernetesCollectionBenchmark.Run,
    ["log-analytics"] = LogAnalyticsBenchmark.Run,
    ["manifests"] = ManifestParsingBenchmark.Run,
    ["reachability"] = ReachabilityBenchmark.Run,
};

var smoke = args.Contains("--smoke");
var requested = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (requested.Count == 0 && !smoke)
{
    Console.Error.WriteLine($"usage: NetPolGovernance.Bench [--smoke] <{string.Join("|", benchmarks.Keys)}|all>...");
    return 1;
}

var selected = requested.Count == 0 || requested.Contains("all", StringComparer.OrdinalIgnoreCase) ? [.. benchmarks.Keys] : requested;
var exitCode = 0;
foreach (var name in selected)
{
    if (!benchmarks.TryGetValue(name, out var run))
    {
        Console.Error.WriteLine($"unknown benchmark '{name}'; known: {string.Join(", ", benchmarks.Keys)}");
        return 1;
    }

    exitCode = Math.Max(exitCode, run(smoke, Console.Out));
}

return exitCode;
