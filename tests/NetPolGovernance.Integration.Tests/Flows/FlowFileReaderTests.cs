using System.Diagnostics;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Integration.Tests.Flows;

/// <summary>
/// Hubble JSON lines as `hubble observe -o json` and the ACNS node file write them (Cilium's flow.proto in JSON, shaped
/// like the AKS flow-log collector's test lines): proto field names or camel case, enums as names or numbers, replies,
/// non-flow lines, bad lines, and files that must never be opened.
/// </summary>
public sealed class FlowFileReaderTests
{
    private const string Egress = """
        {"flow":{"time":"2026-12-03T08:00:01.123456789Z","verdict":"FORWARDED","IP":{"source":"10.244.1.10","destination":"10.244.1.20","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":40000,"destination_port":8081,"flags":{"SYN":true}}},"source":{"identity":40000,"namespace":"shop","labels":["k8s:app=frontend","k8s:io.kubernetes.pod.namespace=shop","k8s:io.cilium.k8s.policy.serviceaccount=default"],"pod_name":"frontend-7d9c6b5f4-x2k8p","workloads":[{"name":"frontend","kind":"Deployment"}]},"destination":{"identity":40001,"namespace":"shop","labels":["k8s:app=api"],"pod_name":"api-5f7b8c9d6-q4w7r","workloads":[{"name":"api","kind":"Deployment"}]},"Type":"L3_L4","node_name":"c1/aks-nodepool1-0","traffic_direction":"EGRESS","is_reply":false,"egress_allowed_by":[{"name":"allow-frontend","namespace":"shop","kind":"NetworkPolicy"}]},"node_name":"c1/aks-nodepool1-0","time":"2026-12-03T08:00:01.123456789Z"}
        """;

    private const string Reply = """
        {"flow":{"time":"2026-12-03T08:00:02Z","verdict":"FORWARDED","IP":{"source":"10.244.1.20","destination":"10.244.1.10"},"l4":{"TCP":{"source_port":8081,"destination_port":40000}},"source":{"namespace":"shop","pod_name":"api-5f7b8c9d6-q4w7r","workloads":[{"name":"api","kind":"Deployment"}]},"destination":{"namespace":"shop","pod_name":"frontend-7d9c6b5f4-x2k8p","workloads":[{"name":"frontend","kind":"Deployment"}]},"traffic_direction":"INGRESS","is_reply":true}}
        """;

    // protojson's default camel case, numeric enums (verdict 2 = DROPPED, direction 2 = EGRESS), a world destination.
    private const string CamelDrop = """
        {"flow":{"time":"2026-12-03T09:30:00.5Z","verdict":2,"dropReasonDesc":"POLICY_DENIED","IP":{"source":"10.244.1.20","destination":"20.50.1.2"},"l4":{"TCP":{"sourcePort":52000,"destinationPort":443}},"source":{"namespace":"shop","podName":"api-5f7b8c9d6-q4w7r","workloads":[{"name":"api","kind":"Deployment"}]},"destination":{"identity":2,"labels":["reserved:world"]},"destinationNames":["login.example.com"],"trafficDirection":2,"isReply":false}}
        """;

    private const string NodeStatus = """{"node_status":{"state":"NODE_CONNECTED"},"time":"2026-12-03T08:00:00Z"}""";

    [Fact]
    public async Task HubbleLines_DecodeEndsWorkloadsLabelsPortsAndPolicies()
    {
        using var temp = new TempDirectory();
        var file = temp.Write("flows.jsonl", string.Join('\n', Egress, Reply, CamelDrop, NodeStatus, string.Empty));
        var aggregator = new FlowAggregator();

        var summary = await FlowFileReader.ReadAsync([file], aggregator, TestContext.Current.CancellationToken);

        Assert.Equal(3, summary.Flows);
        Assert.Equal(1, summary.NotFlows);
        Assert.Equal(0, summary.BadLines);
        var traffic = aggregator.Result();
        Assert.Equal(1, traffic.Replies);
        Assert.Equal(2, traffic.Edges.Count);
        var egress = traffic.Edges.Single(e => e.Key.Port == 8081);
        Assert.Equal("shop/Deployment/frontend", egress.Key.Source.ToString());
        Assert.Equal("shop/Deployment/api", egress.Key.Destination.ToString());
        Assert.Equal(TransportProtocol.Tcp, egress.Key.Protocol);
        Assert.Equal(1, egress.Egress.Forwarded);
        Assert.Equal(["NetworkPolicy shop/allow-frontend"], egress.AllowedBy);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "frontend" }, egress.SourceSample.Labels);
        Assert.Equal("frontend-7d9c6b5f4-x2k8p", egress.SourceSample.PodName);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 8, 0, 1, TimeSpan.Zero).AddTicks(1234567), egress.FirstSeen);

        var drop = traffic.Edges.Single(e => e.Key.Port == 443);
        Assert.Equal("ip:20.50.1.2", drop.Key.Destination.ToString());
        Assert.Equal(1, drop.Egress.Dropped);
        Assert.Equal("login.example.com", drop.DestinationSample.DomainName);
    }

    [Fact]
    public async Task BadLines_AreQuotedWithFileAndLine_AndTheRestIsRead()
    {
        using var temp = new TempDirectory();
        var file = temp.Write("flows.jsonl", string.Join('\n', Egress, "{not json", """{"flow":{"verdict":"FORWARDED"}}""", "[1,2]", CamelDrop));
        var aggregator = new FlowAggregator();

        var summary = await FlowFileReader.ReadAsync([file], aggregator, TestContext.Current.CancellationToken);

        Assert.Equal(2, summary.Flows);
        Assert.Equal(3, summary.BadLines);
        Assert.Equal($"{file}:2: not valid JSON", summary.Problems[0]);
        Assert.Equal($"{file}:3: the flow has no readable \"time\"", summary.Problems[1]);
        Assert.Equal($"{file}:4: a line must be a JSON object", summary.Problems[2]);
    }

    [Fact]
    public async Task ALineOverTheCap_IsSkippedAsBad_WithoutHoldingIt()
    {
        using var temp = new TempDirectory();
        var huge = "{\"flow\":{\"time\":\"" + new string('x', FlowFileReader.MaxLineBytes + 10) + "\"}}";
        var file = temp.Write("flows.jsonl", string.Join('\n', huge, Egress));

        var summary = await FlowFileReader.ReadAsync([file], new FlowAggregator(), TestContext.Current.CancellationToken);

        Assert.Equal(1, summary.Flows);
        Assert.Equal(1, summary.BadLines);
        Assert.StartsWith($"{file}:1: line longer than 1024 KiB", summary.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileWithNoFlow_MissingFileAndDirectory_AreCleanErrorsNamingThePath()
    {
        using var temp = new TempDirectory();
        var statusOnly = temp.Write("status.jsonl", NodeStatus + "\n");
        var ct = TestContext.Current.CancellationToken;

        var none = await Assert.ThrowsAsync<InputFileException>(() => FlowFileReader.ReadAsync([statusOnly], new FlowAggregator(), ct));
        var missing = await Assert.ThrowsAsync<InputFileException>(() => FlowFileReader.ReadAsync([Path.Combine(temp.Path, "nope.jsonl")], new FlowAggregator(), ct));
        var folder = await Assert.ThrowsAsync<InputFileException>(() => FlowFileReader.ReadAsync([temp.Path], new FlowAggregator(), ct));

        Assert.Equal($"{statusOnly}: no flow in the file (expected Hubble JSON lines, e.g. from `hubble observe -o json`)", none.Message);
        Assert.EndsWith("nope.jsonl: no such file", missing.Message, StringComparison.Ordinal);
        Assert.EndsWith("is a directory; give flow files", folder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFifoOrADevice_IsRefusedWithoutBeingOpened()
    {
        using var temp = new TempDirectory();
        var fifo = Path.Combine(temp.Path, "flows.jsonl");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var zero = Path.Combine(temp.Path, "zero.jsonl");
        File.CreateSymbolicLink(zero, "/dev/zero");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));

        var fromFifo = await Assert.ThrowsAsync<InputFileException>(() => FlowFileReader.ReadAsync([fifo], new FlowAggregator(), timeout.Token));
        var fromDevice = await Assert.ThrowsAsync<InputFileException>(() => FlowFileReader.ReadAsync([zero], new FlowAggregator(), timeout.Token));

        Assert.Contains("not a regular file (a FIFO or a device)", fromFifo.Message, StringComparison.Ordinal);
        Assert.Contains("not a regular file (a FIFO or a device)", fromDevice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheShippedSample_ReadsEveryLine()
    {
        var aggregator = new FlowAggregator();

        var summary = await FlowFileReader.ReadAsync([Cli.CliHarness.SamplesPath("flows", "shop-hubble.jsonl")], aggregator, TestContext.Current.CancellationToken);

        Assert.Equal(17, summary.Flows);
        Assert.Equal(1, summary.NotFlows);
        Assert.Equal(0, summary.BadLines);
        Assert.Equal(4, aggregator.EdgeCount);
    }
}
