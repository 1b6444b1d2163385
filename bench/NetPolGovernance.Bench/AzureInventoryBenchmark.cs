using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Bench;

/// <summary>
/// Azure fleet discovery and access against the loopback ARM + Resource Graph server (20 ms per call): how many
/// calls to Resource Graph and ARM a fleet of N clusters over S subscriptions costs, the wall time, and how both
/// scale with S and N, on the Resource Graph path, the ARM fallback path, and the per-cluster access path
/// (listClusterUserCredential, or runCommand for private clusters).
/// </summary>
internal sealed class AzureInventoryBenchmark
{
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(20);

    /// <summary>The bench entry point's signature: prints the tables, returns the exit code.</summary>
    public static int Run(bool smoke, TextWriter output)
    {
        RunAsync(smoke, output, CancellationToken.None).GetAwaiter().GetResult();
        return 0;
    }

    public static async Task RunAsync(bool smoke, TextWriter output, CancellationToken cancellationToken)
    {
        (int Subscriptions, int Clusters)[] sizes = smoke
            ? [(2, 10)]
            : [(50, 1000), (10, 1000), (100, 1000), (50, 250), (50, 500), (50, 2000)];

        await output.WriteLineAsync($"Azure inventory: loopback ARM + Resource Graph, {s_latency.TotalMilliseconds:0} ms per call, 1,000-row Resource Graph pages, 100-item ARM pages").ConfigureAwait(false);
        await output.WriteLineAsync("| path | subscriptions | clusters | targets | Resource Graph calls | ARM calls | calls per cluster | wall ms |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---:|---:|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        foreach (var (subscriptions, clusters) in sizes)
        {
            foreach (var refused in new[] { false, true })
            {
                var fleet = AzureFleetGenerator.Generate(subscriptions, clusters) with { Latency = s_latency, ResourceGraphRefused = refused };
                var row = await InventoryAsync(fleet, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {(refused ? "ARM fallback" : "Resource Graph")} | {subscriptions} | {clusters} | {row.Targets} | {row.GraphCalls} | {row.ArmCalls} | {(double)(row.GraphCalls + row.ArmCalls) / Math.Max(1, clusters):0.000} | {row.WallMs} |")).ConfigureAwait(false);
            }
        }

        var (accessSubscriptions, accessClusters) = smoke ? (2, 10) : (50, 1000);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Azure access: per-cluster ARM calls (listClusterUserCredential for public clusters; runCommand POST + result polls for private ones; stopped clusters skipped), 16 clusters at once").ConfigureAwait(false);
        await output.WriteLineAsync("| clusters | public | private (runCommand) | skipped | credential calls | runCommand calls | result polls | ARM calls per read cluster | wall ms |").ConfigureAwait(false);
        await output.WriteLineAsync("|---:|---:|---:|---:|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        var access = await AccessAsync(accessSubscriptions, accessClusters, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"| {accessClusters} | {access.Public} | {access.Private} | {access.Skipped} | {access.Credentials} | {access.RunCommands} | {access.Polls} | {(double)(access.Credentials + access.RunCommands + access.Polls) / Math.Max(1, access.Public + access.Private):0.00} | {access.WallMs} |")).ConfigureAwait(false);
    }

    private static async Task<InventoryRow> InventoryAsync(AzureFleetDescription fleet, CancellationToken cancellationToken)
    {
        await using var server = await AzureLoopbackServer.StartAsync(fleet, cancellationToken).ConfigureAwait(false);
        var inventory = Inventory(server, fleet.AcceptedToken);
        var stopwatch = Stopwatch.StartNew();
        var targets = 0;
        await foreach (var _ in inventory.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            targets++;
        }

        return new InventoryRow(targets, server.Calls.ResourceGraph, server.Calls.Arm, stopwatch.ElapsedMilliseconds);
    }

    private static async Task<AccessRow> AccessAsync(int subscriptions, int clusters, CancellationToken cancellationToken)
    {
        using var apiServer = new TcpListener(IPAddress.Loopback, 0);
        apiServer.Start();
        var url = $"https://127.0.0.1:{((IPEndPoint)apiServer.LocalEndpoint).Port}/";
        var logs = new RunCommandOutputBuilder().Namespace("default").Pod("default", "web-1", ("app", "web")).DefaultDeny("default").Build();
        var generated = AzureFleetGenerator.Generate(subscriptions, clusters);
        var fleet = generated with
        {
            Latency = s_latency,
            Subscriptions = [.. generated.Subscriptions.Select(s => s with
            {
                Clusters = [.. s.Clusters.Select(c => c with { ApiServerUrl = url, RunCommandLogs = logs })],
            })],
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, cancellationToken).ConfigureAwait(false);
        var credential = new StaticTokenCredential(fleet.AcceptedToken);
        var options = server.CreateClientOptions();
        var collector = new AksSnapshotCollector(
            new ManagedClustersClient(credential, options),
            credential,
            new NoOpReader(),
            new AksCollectorOptions(),
            NullLogger<AksSnapshotCollector>.Instance);

        var targets = new List<ClusterTarget>();
        await foreach (var target in Inventory(server, fleet.AcceptedToken).ListAsync(cancellationToken).ConfigureAwait(false))
        {
            targets.Add(target);
        }

        var before = (server.Calls.Credentials, server.Calls.RunCommands, server.Calls.RunCommandPolls);
        var stopwatch = Stopwatch.StartNew();
        var paths = new System.Collections.Concurrent.ConcurrentBag<AccessPath>();
        await Parallel.ForEachAsync(
            targets.Where(t => t.SkipReason is null),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (target, ct) => paths.Add((await collector.CollectAsync(target, ct).ConfigureAwait(false)).AccessPath)).ConfigureAwait(false);

        return new AccessRow(
            paths.Count(p => p == AccessPath.AksEntraToken),
            paths.Count(p => p == AccessPath.RunCommand),
            targets.Count(t => t.SkipReason is not null),
            server.Calls.Credentials - before.Credentials,
            server.Calls.RunCommands - before.RunCommands,
            server.Calls.RunCommandPolls - before.RunCommandPolls,
            stopwatch.ElapsedMilliseconds);
    }

    private static AzureClusterInventory Inventory(AzureLoopbackServer server, string token)
    {
        var credential = new StaticTokenCredential(token);
        var options = server.CreateClientOptions();
        return new AzureClusterInventory(
            new ResourceGraphClient(credential, options),
            new SubscriptionsClient(credential, options),
            new ManagedClustersClient(credential, options),
            new AzureInventoryScope(),
            NullLogger<AzureClusterInventory>.Instance);
    }

    private sealed record InventoryRow(int Targets, int GraphCalls, int ArmCalls, long WallMs);

    private sealed record AccessRow(int Public, int Private, int Skipped, int Credentials, int RunCommands, int Polls, long WallMs);

    /// <summary>Stands in for the live Kubernetes read: this benchmark measures ARM traffic only.</summary>
    private sealed class NoOpReader : IKubernetesClusterReader
    {
        public Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken) =>
            Task.FromResult(CollectionOutcome.Read(new ClusterSnapshot { Cluster = identity }, AccessPath.AksEntraToken, CollectionStats.None));
    }
}
