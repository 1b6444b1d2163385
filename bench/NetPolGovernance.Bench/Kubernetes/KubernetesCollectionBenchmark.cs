using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Bench.Kubernetes;

/// <summary>
/// Collection of one cluster through the loopback API server with the real KubernetesClient and TLS: full size is
/// 10,000 pods (production-shaped, about 5 KB each), 500 NetworkPolicies, 100 namespaces, plus CRD policies and a
/// Cilium DaemonSet. Two runs: pods as metadata only (the default), and full pods (one policy uses a named port).
/// Prints calls, bytes, wall time, and the bytes metadata-only lists save.
/// </summary>
internal static class KubernetesCollectionBenchmark
{
    /// <summary>The bench entry point's signature: prints the table, returns the exit code.</summary>
    public static int Run(bool smoke, TextWriter output) => RunAsync(smoke, output).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(bool smoke, TextWriter output)
    {
        var shape = smoke
            ? new SyntheticClusterShape { Namespaces = 5, PodsPerNamespace = 20, PoliciesPerNamespace = 2, RealisticPods = true }
            : new SyntheticClusterShape { Namespaces = 100, PodsPerNamespace = 100, PoliciesPerNamespace = 5, RealisticPods = true };
        var (warmup, iterations) = smoke ? (0, 1) : (1, 5);
        var objects = SyntheticCluster.Generate(seed: 42, shape);
        var namedPortPolicy = KubeObjects.NetworkPolicy("ns-000", "allow-named-http", new JsonObject
        {
            ["podSelector"] = new JsonObject(),
            ["ingress"] = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = "http" }) }),
        });

        await using var server = await LoopbackKubernetesApiServer.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var metadataCluster = server.AddCluster("metadata-pods");
        metadataCluster.Objects.AddRange(objects);
        var fullCluster = server.AddCluster("full-pods");
        fullCluster.Objects.AddRange(objects);
        fullCluster.Objects.Add(namedPortPolicy);
        var collector = new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance);

        var metadata = await MeasureAsync(collector, metadataCluster, warmup, iterations).ConfigureAwait(false);
        var full = await MeasureAsync(collector, fullCluster, warmup, iterations).ConfigureAwait(false);

        var pods = objects.Count(o => o["kind"]!.GetValue<string>() == "Pod");
        var policies = objects.Count(o => o["kind"]!.GetValue<string>() == "NetworkPolicy");
        var namespaces = objects.Count(o => o["kind"]!.GetValue<string>() == "Namespace");
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kubernetes collection through the loopback API server: {pods} pods, {policies} policies, {namespaces} namespaces, page size 500 (median of {iterations})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"scenario",-40} {"calls",6} {"pod calls",9} {"bytes",12} {"pod bytes",12} {"wall ms",9}"));
        output.WriteLine(new string('-', 93));
        Row(output, "pods as metadata only (default)", metadata);
        Row(output, "full pods (a policy uses a named port)", full);
        var saved = full.PodBytes - metadata.PodBytes;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"metadata-only pod lists save {saved:N0} bytes ({100.0 * saved / Math.Max(1, full.PodBytes):F1}% of the pod bytes, {(double)full.PodBytes / Math.Max(1, metadata.PodBytes):F1}x smaller); {metadata.PodBytes / Math.Max(1, pods):N0} vs {full.PodBytes / Math.Max(1, pods):N0} bytes per pod"));
        return metadata.Pods == pods && full.Pods == pods ? 0 : 1;
    }

    private static async Task<Measured> MeasureAsync(KubernetesSnapshotCollector collector, VirtualCluster cluster, int warmup, int iterations)
    {
        var identity = new ClusterIdentity { Name = cluster.Id };
        for (var i = 0; i < warmup; i++)
        {
            await collector.CollectAsync(cluster.CreateClientConfiguration(), identity, CancellationToken.None).ConfigureAwait(false);
        }

        var runs = new List<Measured>();
        for (var i = 0; i < iterations; i++)
        {
            cluster.Traffic.Reset();
            var watch = Stopwatch.StartNew();
            var outcome = await collector.CollectAsync(cluster.CreateClientConfiguration(), identity, CancellationToken.None).ConfigureAwait(false);
            watch.Stop();
            if (outcome.Status != ClusterScanStatus.Scanned)
            {
                throw new InvalidOperationException($"benchmark cluster {cluster.Id} was not scanned: {outcome.Reason}");
            }

            var podRequests = cluster.Traffic.Requests.Where(r => r.Resource == "pods").ToList();
            runs.Add(new Measured(
                outcome.Stats.ApiCalls,
                podRequests.Count,
                outcome.Stats.BytesRead,
                podRequests.Sum(r => r.Bytes),
                watch.Elapsed.TotalMilliseconds,
                outcome.Snapshot!.Pods.Count));
        }

        return runs.OrderBy(r => r.WallMs).ElementAt(runs.Count / 2);
    }

    private static void Row(TextWriter output, string name, Measured run) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {run.Calls,6} {run.PodCalls,9} {run.Bytes,12:N0} {run.PodBytes,12:N0} {run.WallMs,9:F0}"));

    private sealed record Measured(int Calls, int PodCalls, long Bytes, long PodBytes, double WallMs, int Pods);
}
