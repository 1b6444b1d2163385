// Benchmark entry point. Each benchmark prints a table. `--smoke` runs every benchmark at a tiny size to prove it
// works (CI does this); `--only NAME` runs one benchmark.
using NetPolGovernance.Bench;

var smoke = args.Contains("--smoke");
var onlyIndex = Array.IndexOf(args, "--only");
var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1] : null;

IBenchmark[] benchmarks =
[
    new AzureInventoryBenchmark(),
];

foreach (var benchmark in benchmarks.Where(b => only is null || string.Equals(b.Name, only, StringComparison.OrdinalIgnoreCase)))
{
    Console.WriteLine($"== {benchmark.Name}{(smoke ? " (smoke)" : string.Empty)}");
    await benchmark.RunAsync(smoke, Console.Out, CancellationToken.None);
    Console.WriteLine();
}

return 0;
