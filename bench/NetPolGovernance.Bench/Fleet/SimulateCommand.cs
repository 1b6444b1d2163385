using System.Globalization;
using System.Runtime.InteropServices;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Bench.Fleet;

/// <summary>
/// <c>simulate</c>: serves a simulated AKS fleet on loopback until Ctrl+C (or SIGTERM) and prints how to scan it, so anyone can
/// watch a fleet scan end to end with no Azure account. Options: <c>--sim-clusters=N</c> (20), <c>--sim-seed=S</c> (1),
/// <c>--sim-latency-ms=L</c> (20), <c>--sim-namespaces=N</c> (20), <c>--sim-pods=N</c> (per namespace, 20),
/// <c>--sim-fault-rate=F</c> (0.1), <c>--kubeconfig-out=PATH</c> (a temp file).
/// </summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        FleetSimulationOptions options;
        try
        {
            options = new FleetSimulationOptions
            {
                Clusters = Int(args, "--sim-clusters", 20),
                Seed = Int(args, "--sim-seed", 1),
                Latency = TimeSpan.FromMilliseconds(Int(args, "--sim-latency-ms", 20)),
                NamespacesPerCluster = Int(args, "--sim-namespaces", 20),
                PodsPerNamespace = Int(args, "--sim-pods", 20),
                FaultRate = double.Parse(Value(args, "--sim-fault-rate") ?? "0.1", CultureInfo.InvariantCulture),
            };
            options.Validate();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            await Console.Error.WriteLineAsync($"simulate: {ex.Message}");
            return 1;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        await using var simulator = await FleetSimulator.StartAsync(options, stop.Token);
        var kubeconfig = Value(args, "--kubeconfig-out") ?? Path.Combine(Path.GetTempPath(), $"netpolgov-sim-{Environment.ProcessId}.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, simulator.Kubeconfig(), stop.Token);
        var plans = simulator.Fleet.Clusters.ToList();
        output.WriteLine($"Simulated fleet (seed {options.Seed}): {plans.Count} clusters, {plans.Sum(p => p.Namespaces.Count):N0} namespaces, {plans.Sum(p => (long)p.PodCount):N0} pods, {options.Latency.TotalMilliseconds:0} ms per call");
        output.WriteLine($"  private (runCommand only): {plans.Count(p => p.Private)}, stopped: {plans.Count(p => p.Stopped)}, with injected faults: {plans.Count(p => p.Fault != SimulatedFault.None)}");
        output.WriteLine($"  Kubernetes API servers: {simulator.Kubernetes.BaseAddress}clusters/<name>");
        output.WriteLine($"  ARM + Resource Graph:   {simulator.Azure.Endpoint} (bearer token in the kubeconfig users)");
        output.WriteLine($"  kubeconfig ({plans.Count(p => !p.Private && !p.Stopped)} contexts): {kubeconfig}");
        output.WriteLine();
        output.WriteLine("Scan it in another terminal:");
        output.WriteLine($"  dotnet run --project src/NetPolGovernance.Cli -- scan --kubeconfig {kubeconfig} --all-contexts");
        output.WriteLine("or do it by hand:");
        output.WriteLine($"  kubectl --kubeconfig {kubeconfig} --context aks-00000 get networkpolicies --all-namespaces");
        output.WriteLine();
        output.WriteLine("Ctrl+C stops the simulator.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C.
        }
        finally
        {
            File.Delete(kubeconfig);
        }

        return 0;
    }

    private static string? Value(string[] args, string name) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static int Int(string[] args, string name, int fallback) =>
        Value(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
