using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Cli.Reports.Json;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Reports;

/// <summary>
/// Reports other than JSONL are ordered by subscription, cluster and namespace, whatever order clusters complete in.
/// </summary>
public sealed class ReportOrderTests
{
    [Fact]
    public async Task OrderedWriter_SameClustersInEveryCompletionOrder_WritesByteIdenticalSortedJson()
    {
        // Arrange: five clusters over two subscriptions (and none), two sharing a name, namespaces out of order.
        var clusters = ReportFixtures.Fleet();
        var orders = Permutations(Enumerable.Range(0, clusters.Count).ToList()).ToList();

        // Act
        var reports = new List<string>();
        foreach (var order in orders)
        {
            reports.Add(await WriteJsonAsync(order.Select(i => clusters[i])));
        }

        // Assert
        Assert.Equal(120, orders.Count);
        Assert.All(reports, r => Assert.Equal(reports[0], r));
        using var report = JsonDocument.Parse(reports[0]);
        var written = report.RootElement.GetProperty("clusters").EnumerateArray()
            .Select(c => $"{Text(c, "subscriptionId")}|{Text(c, "name")}|{Text(c, "resourceId")}")
            .ToList();
        Assert.Equal(
            [
                "|edge|",
                "sub-a|alpha|/subscriptions/sub-a/rg/one/alpha",
                "sub-a|alpha|/subscriptions/sub-a/rg/two/alpha",
                "sub-a|zulu|/subscriptions/sub-a/rg/one/zulu",
                "sub-b|beta|/subscriptions/sub-b/rg/one/beta",
            ],
            written);
        foreach (var cluster in report.RootElement.GetProperty("clusters").EnumerateArray())
        {
            var names = cluster.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).ToList();
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
        }
    }

    [Fact]
    public async Task ScanSimulatedFleet_SerialAndConcurrent_ListClustersAndNamespacesInTheSameSortedOrder()
    {
        // Arrange: jittered latency so that eight clusters in flight complete in an order of their own.
        string[] Args(string concurrency) =>
        [
            "scan", "--simulated-fleet", "12", "--sim-seed", "7", "--sim-namespaces", "5", "--sim-pods", "3",
            "--sim-latency-ms", "15", "--concurrency", concurrency, "--format", "json",
        ];

        // Act
        var serial = await ClusterOrderAsync(Args("1"));
        var concurrent = await ClusterOrderAsync(Args("8"));

        // Assert
        Assert.Equal(12, serial.Count);
        Assert.Equal(serial, concurrent);
        Assert.Equal(serial.Order(StringComparer.Ordinal), serial);
    }

    private static async Task<List<string>> ClusterOrderAsync(string[] args)
    {
        using var cli = new CliHarness();
        await cli.RunAsync(args);
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        return report.RootElement.GetProperty("clusters").EnumerateArray()
            .Select(c => $"{Text(c, "subscriptionId")}|{Text(c, "name")}|"
                + string.Join(",", c.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString())))
            .ToList();
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static async Task<string> WriteJsonAsync(IEnumerable<ClusterAssessment> clusters)
    {
        using var stream = new MemoryStream();
        await using (var writer = new OrderedReportWriter(new JsonReportWriter(stream)))
        {
            await writer.WriteHeaderAsync(ReportFixtures.Header(), TestContext.Current.CancellationToken);
            foreach (var cluster in clusters)
            {
                await writer.WriteClusterAsync(cluster, TestContext.Current.CancellationToken);
            }

            await writer.WriteSummaryAsync(ReportFixtures.Summary(), TestContext.Current.CancellationToken);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static IEnumerable<List<int>> Permutations(List<int> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }

        foreach (var item in items)
        {
            foreach (var rest in Permutations(items.Where(i => i != item).ToList()))
            {
                yield return [item, .. rest];
            }
        }
    }
}

/// <summary>Hand-built assessments for report writer tests.</summary>
internal static class ReportFixtures
{
    public static ReportHeader Header() =>
        new(new ScanContext("20260601T120000Z-00000000", CliHarness.Now, "1.0.0", ComplianceProfile.Baseline), "azure", null);

    public static ScanSummary Summary() => new()
    {
        Clusters = 5,
        Result = "incomplete",
        Gate = new ScanGate(ScanGate.ProfileKind, "baseline", GateOutcome.Incomplete, "2 clusters could not be read"),
        ExitCode = 3,
    };

    public static List<ClusterAssessment> Fleet() =>
    [
        Cluster("sub-b", "beta", "one", ["web", "api"]),
        Cluster("sub-a", "zulu", "one", ["b", "a", "c"]),
        Cluster("sub-a", "alpha", "two", ["x"]),
        Cluster(null, "edge", null, ["kube-system", "default"]),
        Cluster("sub-a", "alpha", "one", ["payments", "orders"]),
    ];

    public static ClusterAssessment Cluster(string? subscription, string name, string? group, IEnumerable<string> namespaces) => new()
    {
        Cluster = new ClusterIdentity
        {
            Name = name,
            SubscriptionId = subscription,
            ResourceId = group is null ? null : $"/subscriptions/{subscription}/rg/{group}/{name}",
        },
        Status = ClusterScanStatus.Scanned,
        Engine = new EngineSummary("calico", "daemonset calico-node"),
        Namespaces = [.. namespaces.Select(n => new NamespaceAssessment { Name = n, Status = NamespaceStatus.Compliant })],
    };

    public static Finding Failing(string ns, Severity severity, string checkId) => new()
    {
        CheckId = checkId,
        Title = checkId,
        Severity = severity,
        Result = CheckResult.Fail,
        Namespace = ns,
        Message = "fails",
    };
}
