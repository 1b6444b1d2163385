using System.Globalization;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Bench.Fleet;

/// <summary>
/// The manual procedure (<see cref="KubectlProcedure"/>) on a sample of the benchmark's clusters, one cluster after
/// the other as a person would, extrapolated to the whole fleet; and whether its answers agree with the scanner's
/// and with the plan.
/// </summary>
internal sealed record KubectlBaseline(
    int FleetSize,
    IReadOnlyList<KubectlClusterResult> Results,
    IReadOnlyList<string> Disagreements)
{
    public bool AllAgree => Disagreements.Count == 0;

    public TimeSpan PerCluster => Results.Count == 0 ? TimeSpan.Zero : Results.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Elapsed) / Results.Count;

    public TimeSpan Extrapolated => PerCluster * FleetSize;

    public static async Task<KubectlBaseline> RunAsync(
        string kubectl,
        string kubeconfig,
        string workDirectory,
        IReadOnlyList<SimulatedClusterPlan> sample,
        IReadOnlyDictionary<string, IReadOnlyList<string>> scannerAnswers,
        int fleetSize)
    {
        var procedure = new KubectlProcedure(kubectl, kubeconfig, Path.Combine(workDirectory, "kubectl-cache"));
        var results = new List<KubectlClusterResult>();
        var disagreements = new List<string>();
        foreach (var plan in sample)
        {
            var result = await procedure.RunAsync(plan.Name, CancellationToken.None);
            results.Add(result);
            var expected = plan.NamespacesWithoutNetworkPolicy.ToList();
            var scanner = scannerAnswers.GetValueOrDefault(plan.Name) ?? [];
            if (!result.NamespacesWithoutPolicies.SequenceEqual(scanner) || !scanner.SequenceEqual(expected))
            {
                disagreements.Add($"{plan.Name}: kubectl [{string.Join(' ', result.NamespacesWithoutPolicies)}] scanner [{string.Join(' ', scanner)}] plan [{string.Join(' ', expected)}]");
            }
        }

        return new KubectlBaseline(fleetSize, results, disagreements);
    }

    public string Describe(FleetRow scan)
    {
        var invocations = Results.Count == 0 ? 0 : Results.Average(r => r.KubectlInvocations);
        var ratio = Extrapolated / scan.Wall;
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"kubectl baseline (get namespaces + get networkpolicies --namespace per namespace, sequential), measured on {Results.Count} of {FleetSize:N0} clusters and extrapolated:"),
            string.Create(CultureInfo.InvariantCulture, $"  {PerCluster.TotalSeconds:0.00} s and {invocations:0} kubectl runs per cluster → {Extrapolated.TotalSeconds:N0} s ({Extrapolated.TotalHours:0.0} h) for the fleet"),
            string.Create(CultureInfo.InvariantCulture, $"  netpolgov: {scan.Wall.TotalSeconds:0.0} s → {ratio:N0}× faster"),
            AllAgree
                ? $"  namespaces without NetworkPolicy: kubectl, netpolgov and the simulator's plan agree on all {Results.Count} sampled clusters"
                : "  DISAGREEMENT on namespaces without NetworkPolicy:",
        };
        lines.AddRange(Disagreements.Select(d => "    " + d));
        return string.Join(Environment.NewLine, lines);
    }
}
