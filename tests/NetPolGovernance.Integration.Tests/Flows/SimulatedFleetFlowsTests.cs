using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.Flows;

/// <summary>
/// The simulator's flows (docs/flows.md, "Simulated flows"): the whole runtime path with no Azure account. A simulated
/// fleet scanned with its flows fails NPG-N13 on the one cluster whose engine silently does not enforce, and on no
/// other; the CronJob that never fires shows in the observed profile's coverage.
/// </summary>
public sealed class SimulatedFleetFlowsTests
{
    private const int Clusters = 8;

    private static FleetSimulationOptions Options(int seed) => new()
    {
        Seed = seed,
        Clusters = Clusters,
        NamespacesPerCluster = 8,
        PodsPerNamespace = 6,
        FaultRate = 0,
        Latency = TimeSpan.Zero,
    };

    private static string[] FleetArguments(int seed) =>
    [
        "--simulated-fleet", Clusters.ToString(CultureInfo.InvariantCulture), "--sim-seed", seed.ToString(CultureInfo.InvariantCulture),
        "--sim-namespaces", "8", "--sim-pods", "6", "--sim-fault-rate", "0", "--sim-latency-ms", "0",
    ];

    /// <summary>A seed whose fleet has a non-enforcing cluster and at least one other cluster with flow logs (found, not hard-coded).</summary>
    private static int SeedWithSilentCluster() => Enumerable.Range(1, 200).First(seed =>
    {
        var fleet = new SimulatedFleet(Options(seed));
        return fleet.NonEnforcingCluster >= 0 && fleet.Clusters.Count(SimulatedClusterFlows.HasFlowLogs) >= 2;
    });

    private static Dictionary<string, List<string>> N13ResultsByCluster(JsonDocument report) =>
        report.RootElement.GetProperty("clusters").EnumerateArray()
            .Where(c => c.TryGetProperty("namespaces", out _))
            .ToDictionary(
                c => c.GetProperty("name").GetString()!,
                c => c.GetProperty("namespaces").EnumerateArray()
                    .SelectMany(n => n.GetProperty("findings").EnumerateArray())
                    .Where(f => f.GetProperty("checkId").GetString() == "NPG-N13")
                    .Select(f => f.GetProperty("result").GetString()!)
                    .ToList());

    [Fact]
    public async Task ScanSimulatedFleet_FlowsFromWorkspace_FailsN13OnTheSilentClusterOnly()
    {
        var seed = SeedWithSilentCluster();
        var fleet = new SimulatedFleet(Options(seed));
        var silent = SimulatedFleet.ClusterName(fleet.NonEnforcingCluster);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync(["scan", .. FleetArguments(seed), "--flows-from-workspace", "--format", "json"]);

        Assert.NotEqual(1, exit);
        Assert.Contains($"{silent} silently does not enforce", cli.StandardError, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var results = N13ResultsByCluster(report);
        Assert.Equal([silent], results.Where(r => r.Value.Contains("Fail")).Select(r => r.Key));
        var withFlows = fleet.Clusters.Where(SimulatedClusterFlows.HasFlowLogs).Select(p => p.Name).Where(results.ContainsKey).ToList();
        Assert.True(withFlows.Count >= 2);
        foreach (var name in withFlows.Where(n => n != silent))
        {
            Assert.Contains("Pass", results[name]);
            Assert.DoesNotContain("Unknown", results[name]);
        }
    }

    [Fact]
    public async Task ScanKubeconfig_HubbleFilesWrittenBySimulate_FailsN13OnTheSilentClusterOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = SeedWithSilentCluster();
        var options = Options(seed);
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        using var dir = new TempDirectory();
        var kubeconfig = dir.Write("config", simulator.Kubeconfig());
        var files = FleetSimulator.WriteHubbleFlows(simulator.Fleet, Path.Combine(dir.Path, "flows"));
        var again = FleetSimulator.WriteHubbleFlows(new SimulatedFleet(options), Path.Combine(dir.Path, "again"));
        Assert.Equal(files.Select(Path.GetFileName), again.Select(Path.GetFileName));
        Assert.All(files.Zip(again), pair => Assert.Equal(File.ReadAllBytes(pair.First), File.ReadAllBytes(pair.Second)));
        var lines = File.ReadAllLines(files[0]);
        Assert.Contains(lines, l => l.Contains("\"is_reply\":true", StringComparison.Ordinal));
        var silent = SimulatedFleet.ClusterName(simulator.Fleet.NonEnforcingCluster);
        using var cli = new CliHarness();

        var exit = await cli.RunAsync(["scan", "--kubeconfig", kubeconfig, "--all-contexts", "--flows", .. files, "--format", "json"]);

        Assert.NotEqual(1, exit);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        var results = N13ResultsByCluster(report);
        Assert.Equal([silent], results.Where(r => r.Value.Contains("Fail")).Select(r => r.Key));
    }

    [Fact]
    public async Task RemediateObserved_OnASimulatedCluster_NamesTheCronJobThatNeverFired()
    {
        var ct = TestContext.Current.CancellationToken;
        // A seed with an enforcing public Cilium cluster holding a namespace without policies and a CronJob.
        var (seed, plan, ns) = Enumerable.Range(1, 500)
            .SelectMany(s => new SimulatedFleet(Options(s)).Clusters.Select(p => (Seed: s, Plan: p)))
            .Where(x => SimulatedClusterFlows.HasFlowLogs(x.Plan) && x.Plan.EnforcesPolicies && !x.Plan.Private)
            .Select(x => (x.Seed, x.Plan, Ns: x.Plan.Namespaces.FirstOrDefault(n => n.Style == PolicyStyle.Missing && n.Workloads >= 3)))
            .First(x => x.Ns is not null);
        await using var simulator = await FleetSimulator.StartAsync(Options(seed), ct);
        using var dir = new TempDirectory();
        var kubeconfig = dir.Write("config", simulator.Kubeconfig());
        var files = FleetSimulator.WriteHubbleFlows(simulator.Fleet, Path.Combine(dir.Path, "flows"));
        var flows = files.Single(f => Path.GetFileNameWithoutExtension(f) == plan.Name);
        var output = Path.Combine(dir.Path, "out");
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--kubeconfig", kubeconfig, "--context", plan.Name, "--namespace", ns!.Name, "--profile", "observed", "--flows", flows, "-o", output);

        Assert.Equal(0, exit);
        var preview = await File.ReadAllTextAsync(Path.Combine(output, "impact-preview.md"), ct);
        var row = Assert.Single(preview.Split('\n'), l => l.StartsWith($"| app={SimulatedClusterObjects.CronJobName} |", StringComparison.Ordinal));
        Assert.Contains("| 0.00 |", row, StringComparison.Ordinal);
        Assert.Contains("a CronJob: it may not have fired in the window", row, StringComparison.Ordinal);
    }

    /// <summary>A one-cluster simulated fleet whose cluster has flow logs and a namespace without policies that has traffic.</summary>
    private static (int Seed, NamespacePlan Namespace) OneClusterWithOpenNamespace() => Enumerable.Range(1, 500)
        .Select(seed => (Seed: seed, Plan: new SimulatedFleet(Options(seed) with { Clusters = 1 }).Cluster(0)))
        .Where(x => SimulatedClusterFlows.HasFlowLogs(x.Plan))
        .Select(x => (x.Seed, Ns: x.Plan.Namespaces.FirstOrDefault(n => n.Style == PolicyStyle.Missing && n.Workloads >= 2)))
        .First(x => x.Ns is not null)!;

    private static string[] OneClusterArguments(int seed) =>
    [
        "--simulated-fleet", "1", "--sim-seed", seed.ToString(CultureInfo.InvariantCulture),
        "--sim-namespaces", "8", "--sim-pods", "6", "--sim-fault-rate", "0", "--sim-latency-ms", "0",
    ];

    [Fact]
    public async Task Stage_SimulatedFleet_FlowsFromWorkspace_ReadsTheSimulatorsQueryApiNotTheDefault()
    {
        var ct = TestContext.Current.CancellationToken;
        var (seed, ns) = OneClusterWithOpenNamespace();
        await using var defaultEndpoint = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);
        var factory = new RecordingFactory(defaultEndpoint);
        using var dir = new TempDirectory();
        var proposed = dir.Write("deny.yaml", $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny-all-ingress
              namespace: {{ns.Name}}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """);
        using var cli = new CliHarness { Overrides = s => s.AddSingleton<IFlowQueryClientFactory>(factory) };

        var exit = await cli.RunAsync(["stage", .. OneClusterArguments(seed), "--flows-from-workspace", "--proposed", proposed, "--format", "json"]);

        Assert.True(exit == 2, cli.StandardError);
        Assert.Equal((0, 0), (factory.Created, defaultEndpoint.Requests.Count));
        Assert.Contains("connection rows from ContainerNetworkLogs", cli.StandardError, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Contains(report.RootElement.GetProperty("wouldDrop").EnumerateArray(), d => d.GetProperty("to").GetString()!.StartsWith(ns.Name + "/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemediateObserved_SimulatedFleet_FlowsFromWorkspace_ReadsTheSimulatorsQueryApiNotTheDefault()
    {
        var ct = TestContext.Current.CancellationToken;
        var (seed, ns) = OneClusterWithOpenNamespace();
        await using var defaultEndpoint = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);
        var factory = new RecordingFactory(defaultEndpoint);
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "out");
        using var cli = new CliHarness { Overrides = s => s.AddSingleton<IFlowQueryClientFactory>(factory) };

        var exit = await cli.RunAsync(["remediate", .. OneClusterArguments(seed), "--namespace", ns.Name, "--profile", "observed", "--flows-from-workspace", "-o", output]);

        Assert.True(exit == 0, cli.StandardError);
        Assert.Equal((0, 0), (factory.Created, defaultEndpoint.Requests.Count));
        Assert.Contains("remediate: ", cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("connection rows from ContainerNetworkLogs", cli.StandardError, StringComparison.Ordinal);
        var preview = await File.ReadAllTextAsync(Path.Combine(output, "impact-preview.md"), ct);
        Assert.Contains(ns.Name, preview, StringComparison.Ordinal);
    }

    /// <summary>The command's own query client (what a source without a query API gets); counts how often it is asked for.</summary>
    private sealed class RecordingFactory(LoopbackLogAnalyticsQueryServer server) : IFlowQueryClientFactory
    {
        public int Created { get; private set; }

        public LogAnalyticsQueryClient Create(Uri? endpoint)
        {
            Created++;
            return server.CreateClient();
        }
    }
}
