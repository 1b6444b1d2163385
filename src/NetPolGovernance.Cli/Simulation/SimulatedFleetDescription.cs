using System.Globalization;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Cli.Simulation;

/// <summary>What a running simulator serves, in a few human lines (stderr for scans, stdout for <c>simulate</c>).</summary>
internal static class SimulatedFleetDescription
{
    public static IReadOnlyList<string> Lines(FleetSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var options = simulator.Fleet.Options;
        int clusters = 0, namespaces = 0, privateClusters = 0, stopped = 0, faulty = 0;
        long pods = 0;
        foreach (var plan in simulator.Fleet.Clusters)
        {
            clusters++;
            namespaces += plan.Namespaces.Count;
            pods += plan.PodCount;
            privateClusters += plan.Private ? 1 : 0;
            stopped += plan.Stopped ? 1 : 0;
            faulty += plan.Fault != SimulatedFault.None ? 1 : 0;
        }

        var drift = options.Drifted
            ? [$"  after its planned drift (--sim-drift): {string.Join(", ", simulator.Fleet.Drift.Changes.Select(c => $"{c.Kind} {c.Cluster}/{c.Namespace}"))}"]
            : Array.Empty<string>();
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"Simulated fleet (seed {options.Seed}): {clusters:N0} clusters, {namespaces:N0} namespaces, {pods:N0} pods, {options.Latency.TotalMilliseconds:0} ms per call, ARM + Resource Graph at {simulator.Azure.Endpoint}"),
            string.Create(CultureInfo.InvariantCulture, $"  private (runCommand only): {privateClusters}, stopped: {stopped}, with injected faults: {faulty}"),
            simulator.Fleet.NonEnforcingCluster is >= 0 and var silent
                ? $"  flow logs: the running Cilium clusters; {SimulatedFleet.ClusterName(silent)} silently does not enforce its policies (its flows show denied traffic forwarded)"
                : "  flow logs: the running Cilium clusters; every engine enforces",
            .. drift,
        ];
    }
}
