using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary>
/// The documented switch: <c>netpolgov scan --simulated-fleet N</c> (simulator in-process, real Azure path) and
/// <c>netpolgov simulate</c> (serves until Ctrl+C), through the real parser and composition root.
/// </summary>
public sealed class SimulatedFleetCommandTests
{
    private const int Clusters = 6;
    private const string FaultRate = "0.5";

    [Fact]
    public async Task ScanSimulatedFleet_SixClusters_EachClusterEndsAsPlanned()
    {
        // Arrange: a seed whose six clusters include a private, a stopped and an unauthorized one (found, not hard-coded,
        // so the test keeps its strength if the generator changes).
        var seed = SeedWithEveryKindOfCluster();
        var plan = new SimulatedFleet(Options(seed));
        using var cli = new CliHarness();

        // Act
        var exitCode = await cli.RunAsync(
            "scan", "--simulated-fleet", "6", "--sim-seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--sim-fault-rate", FaultRate, "--sim-namespaces", "6", "--sim-pods", "5", "--sim-latency-ms", "0", "--format", "json");

        // Assert
        Assert.Equal(ExitCodes.Incomplete, exitCode);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Equal("simulated-fleet", report.RootElement.GetProperty("scan").GetProperty("source").GetString());
        var clusters = report.RootElement.GetProperty("clusters").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(plan.Clusters.Select(p => p.Name).Order(StringComparer.Ordinal), clusters.Keys.Order(StringComparer.Ordinal));
        foreach (var cluster in plan.Clusters)
        {
            var reported = clusters[cluster.Name];
            Assert.Equal(ExpectedStatus(cluster), reported.GetProperty("status").GetString());
            if (ExpectedStatus(cluster) != "Scanned")
            {
                continue;
            }

            Assert.Equal(cluster.Private ? "RunCommand" : "AksEntraToken", reported.GetProperty("accessPath").GetString());
            Assert.Equal(cluster.PodCount, reported.GetProperty("podCount").GetInt32());
            var withoutPolicy = reported.GetProperty("namespaces").EnumerateArray()
                .Where(n => !n.GetProperty("hasPolicy").GetBoolean())
                .Select(n => n.GetProperty("name").GetString()!)
                .Order(StringComparer.Ordinal);
            Assert.Equal(cluster.NamespacesWithoutNetworkPolicy.Order(StringComparer.Ordinal), withoutPolicy);
        }

        Assert.Contains("Simulated fleet (seed", cli.StandardError, StringComparison.Ordinal);
        using var schema = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "report.schema.json"), TestContext.Current.CancellationToken));
        Assert.Empty(new JsonSchemaSubset(schema.RootElement).Validate(report.RootElement));
    }

    [Theory]
    [InlineData("--simulated-fleet", "0")]
    [InlineData("--simulated-fleet", "many")]
    [InlineData("--sim-fault-rate", "1.5")]
    [InlineData("--sim-namespaces", "0")]
    [InlineData("--sim-latency-ms", "-5")]
    [InlineData("--sim-pods", "lots")]
    public async Task ScanSimulatedFleet_BadOptionValue_ExitsUsageErrorNamingTheOption(string option, string value)
    {
        // Arrange
        using var cli = new CliHarness();
        string[] args = option == "--simulated-fleet" ? ["scan", option, value] : ["scan", "--simulated-fleet", "2", option, value];

        // Act
        var exitCode = await cli.RunAsync(args);

        // Assert
        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"{option} must be", cli.StandardError, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SimulationOptionWithoutSimulatedFleet_ExitsUsageError()
    {
        // Arrange
        using var cli = new CliHarness();

        // Act
        var exitCode = await cli.RunAsync("scan", "--manifests", CliHarness.SamplesPath(), "--sim-seed", "3");

        // Assert
        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--sim-seed shapes a simulated fleet: give --simulated-fleet N with it", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_UntilCancelled_ServesAKubeconfigScanThenRemovesIt()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var kubeconfig = Path.Combine(dir.Path, "fleet.kubeconfig");
        var plan = new SimulatedFleet(new FleetSimulationOptions { Clusters = 3, Seed = 5, NamespacesPerCluster = 4, PodsPerNamespace = 3, FaultRate = 0 });
        using var simulateCli = new CliHarness();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var simulate = simulateCli.RunAsync(
            stop.Token, "simulate", "--sim-clusters", "3", "--sim-seed", "5", "--sim-namespaces", "4", "--sim-pods", "3",
            "--sim-fault-rate", "0", "--sim-latency-ms", "0", "--kubeconfig-out", kubeconfig);
        while (!File.Exists(kubeconfig) && !simulate.IsCompleted)
        {
            await Task.Delay(20, ct);
        }

        using var scanCli = new CliHarness();

        // Act
        var scanExit = await scanCli.RunAsync("scan", "--kubeconfig", kubeconfig, "--all-contexts", "--format", "json");
        await stop.CancelAsync();
        var simulateExit = await simulate;

        // Assert
        Assert.Equal(ExitCodes.Compliant, simulateExit);
        Assert.NotEqual(ExitCodes.UsageError, scanExit);
        using var report = JsonDocument.Parse(scanCli.RawStandardOutput);
        var scanned = report.RootElement.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(plan.Clusters.Where(p => !p.Private && !p.Stopped).Select(p => p.Name), scanned);
        Assert.Contains($"netpolgov scan --kubeconfig {kubeconfig} --all-contexts", simulateCli.Output.Output, StringComparison.Ordinal);
        Assert.Contains("netpolgov scan --simulated-fleet 3 --sim-seed 5", simulateCli.Output.Output, StringComparison.Ordinal);
        // Options not given (no default) are left out of the command, so it can be pasted as printed.
        Assert.Matches("(?m)^  netpolgov scan --simulated-fleet 3 --sim-seed 5 --sim-latency-ms 0 --sim-namespaces 4 --sim-pods 3 --sim-fault-rate 0\\s*$", simulateCli.Output.Output);
        Assert.False(File.Exists(kubeconfig));
    }

    [Fact]
    public async Task ReachSimulatedFleet_OneCluster_AnswersThenStopsTheSimulator()
    {
        // Arrange: a one-cluster fleet whose cluster is readable (neither stopped nor faulty).
        var seed = Enumerable.Range(1, 20_000).First(s =>
            new SimulatedFleet(new FleetSimulationOptions { Clusters = 1, Seed = s, NamespacesPerCluster = 2, PodsPerNamespace = 2, FaultRate = 0 })
                .Clusters.All(c => !c.Stopped && c.Fault == SimulatedFault.None));
        using var cli = new CliHarness();

        // Act
        var exitCode = await cli.RunAsync(
            "reach", "--simulated-fleet", "1", "--sim-seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--sim-fault-rate", "0", "--sim-namespaces", "2", "--sim-pods", "2", "--sim-latency-ms", "0",
            "--from", "ip:10.0.0.1", "--to", "ip:10.0.0.2", "--port", "80");

        // Assert: the answer came from the simulated cluster, and the simulator's loopback listener is gone.
        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.StartsWith("ALLOWED: ip:10.0.0.1 -> ip:10.0.0.2 80/TCP", cli.StandardOutput, StringComparison.Ordinal);
        var endpoint = System.Text.RegularExpressions.Regex.Match(cli.StandardError, @"ARM \+ Resource Graph at (\S+)");
        Assert.True(endpoint.Success, cli.StandardError);
        var arm = new Uri(endpoint.Groups[1].Value.TrimEnd('/'));
        using var probe = new System.Net.Sockets.TcpClient();
        var refused = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(
            async () => await probe.ConnectAsync(arm.Host, arm.Port, TestContext.Current.CancellationToken));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static FleetSimulationOptions Options(int seed) => new()
    {
        Clusters = Clusters,
        Seed = seed,
        NamespacesPerCluster = 6,
        PodsPerNamespace = 5,
        FaultRate = double.Parse(FaultRate, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int SeedWithEveryKindOfCluster() =>
        Enumerable.Range(1, 20_000).First(seed =>
        {
            var clusters = new SimulatedFleet(Options(seed)).Clusters.ToList();
            return clusters.Any(c => c.Private && !c.Stopped)
                && clusters.Any(c => c.Stopped)
                && clusters.Any(c => c.Fault == SimulatedFault.Unauthorized)
                && clusters.All(c => c.Fault != SimulatedFault.Throttled);
        });

    private static string ExpectedStatus(SimulatedClusterPlan cluster) =>
        cluster.Stopped ? "Skipped" : cluster.Fault == SimulatedFault.Unauthorized ? "Unknown" : "Scanned";
}
