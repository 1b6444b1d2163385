using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Bench.Analysis;
using NetPolGovernance.Connectors.Flows;

namespace NetPolGovernance.Bench.Flows;

/// <summary>
/// Observed traffic at scale (docs/flows.md): Hubble JSON lines between the pods of the analysis workload (20,000 pods,
/// 2,000 policies, 200 namespaces), about 20,000 distinct connections, read and aggregated from a file of 100,000 and
/// of 1,000,000 lines, then replayed through the current set and a proposal that puts a deny-all in 20 namespaces.
/// Prints wall time, CPU time and the managed heap the aggregation holds (after it, less before it), which must not grow
/// with the lines.
/// Smoke size: 2,000 lines over a tiny workload.
/// </summary>
internal static class FlowsBenchmark
{
    public static int Run(bool smoke, TextWriter output)
    {
        var (namespaces, podsPerNamespace, sizes) = smoke ? (4, 10, new[] { 1_000, 2_000 }) : (200, 100, new[] { 100_000, 1_000_000 });
        var snapshot = AnalysisWorkload.Generate(namespaces, podsPerNamespace, 10);
        var proposal = snapshot with
        {
            NetworkPolicies = [.. snapshot.Namespaces.Take(Math.Max(1, namespaces / 10)).Select(n => new NetworkPolicy
            {
                Namespace = n.Name,
                Name = "proposed-deny-all",
                PodSelector = new LabelSelector(),
                PolicyTypes = ["Ingress", "Egress"],
            })],
        };
        var proposed = ProposedPolicySet.Apply(snapshot, proposal);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Flows: {snapshot.Pods.Count} pods, {snapshot.NetworkPolicies.Count} policies; proposal adds {proposal.NetworkPolicies.Count} deny-all"));
        output.WriteLine("| lines | file MB | read + aggregate s | connections | heap held MB | stage s | wouldDrop | wouldOpen | unverifiable | total CPU s |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var directory = Directory.CreateTempSubdirectory("netpolgov-flows-bench-");
        try
        {
            foreach (var lines in sizes)
            {
                var file = Path.Combine(directory.FullName, string.Create(CultureInfo.InvariantCulture, $"flows-{lines}.jsonl"));
                Write(file, snapshot.Pods, lines);
                var baseline = GC.GetTotalMemory(forceFullCollection: true);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var aggregator = new FlowAggregator();
                FlowFileReader.ReadAsync([file], aggregator, CancellationToken.None).GetAwaiter().GetResult();
                var traffic = aggregator.Result();
                var read = clock.Elapsed;
                var heap = GC.GetTotalMemory(forceFullCollection: true) - baseline;
                clock.Restart();
                var report = FlowReplay.Stage(snapshot, proposed, traffic);
                var stage = clock.Elapsed;
                var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {lines:N0} | {new FileInfo(file).Length / 1e6:0} | {read.TotalSeconds:0.00} | {traffic.Edges.Count:N0} | {heap / 1e6:0} | {stage.TotalSeconds:0.00} | {report.WouldDrop.Count} | {report.WouldOpen.Count} | {report.Unverifiable.Count} | {used.TotalSeconds:0.00} |"));
                File.Delete(file);
                GC.KeepAlive(traffic);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        return 0;
    }

    // Each line: one flow between two pods chosen from a fixed set of about 20,000 connections, one in ten a reply.
    private static void Write(string path, IReadOnlyList<PodInfo> pods, int lines)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        var connections = Math.Min(20_000, pods.Count * 2);
        for (var i = 0; i < lines; i++)
        {
            var c = (int)((i * 2_654_435_761L) % connections);
            var from = pods[(c * 7919) % pods.Count];
            var to = pods[(c * 104_729 + 13) % pods.Count];
            var reply = i % 10 == 9;
            var (src, dst) = reply ? (to, from) : (from, to);
            var port = reply ? 40_000 + (i % 20_000) : 8080 + (c % 3);
            var second = i % 86_400;
            writer.Write("{\"flow\":{\"time\":\"2026-12-03T");
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{second / 3600:00}:{second / 60 % 60:00}:{second % 60:00}.123456789Z"));
            writer.Write("\",\"verdict\":\"FORWARDED\",\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\",\"ipVersion\":\"IPv4\"},\"l4\":{\"TCP\":{\"source_port\":");
            writer.Write(reply ? port.ToString(CultureInfo.InvariantCulture) : "45678");
            writer.Write(",\"destination_port\":");
            writer.Write((reply ? 45678 : port).ToString(CultureInfo.InvariantCulture));
            writer.Write("}},\"source\":");
            Endpoint(writer, src);
            writer.Write(",\"destination\":");
            Endpoint(writer, dst);
            writer.Write(",\"Type\":\"L3_L4\",\"node_name\":\"bench/aks-nodepool1-0\",\"traffic_direction\":\"EGRESS\",\"trace_observation_point\":\"TO_ENDPOINT\",\"is_reply\":");
            writer.Write(reply ? "true" : "false");
            writer.Write("}}\n");
        }
    }

    private static void Endpoint(StreamWriter writer, PodInfo pod)
    {
        writer.Write("{\"identity\":12345,\"namespace\":\"");
        writer.Write(pod.Namespace);
        writer.Write("\",\"labels\":[");
        var first = true;
        foreach (var label in pod.Labels)
        {
            writer.Write(first ? "\"k8s:" : ",\"k8s:");
            writer.Write(label.Key);
            writer.Write('=');
            writer.Write(label.Value);
            writer.Write('"');
            first = false;
        }

        writer.Write("],\"pod_name\":\"");
        writer.Write(pod.Name);
        writer.Write("\"}");
    }
}
