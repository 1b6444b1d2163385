using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Cli.Reports.Summary;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Reports;

/// <summary><c>--format summary</c>: per-cluster lines, Unknown and Skipped clusters with reasons, worst namespaces, 80 columns.</summary>
public sealed class SummaryReportTests
{
    private const string LongReason =
        "the AKS API answered 403 Forbidden for listClusterUserCredential: the caller needs the Azure Kubernetes Service Cluster User Role on this cluster or its resource group";

    [Fact]
    public async Task Summary_FleetWithUnknownAndSkippedClusters_ListsThemWithTheirReasons()
    {
        // Arrange
        var clusters = new List<ClusterAssessment>
        {
            ReportFixtures.Cluster("sub-a", "prod-eu", "one", ["web"]),
            ReportFixtures.Cluster("sub-a", "locked-down", "one", []) with { Status = ClusterScanStatus.Unknown, StatusReason = LongReason },
            ReportFixtures.Cluster("sub-b", "stopped-dev", "one", []) with { Status = ClusterScanStatus.Skipped, StatusReason = "power state is Stopped" },
        };

        // Act
        var text = await WriteSummaryAsync(clusters);

        // Assert
        var lines = text.Split('\n');
        var section = Array.FindIndex(lines, l => l.StartsWith("Unknown and skipped clusters (2):", StringComparison.Ordinal));
        Assert.True(section > 0, text);
        Assert.Equal("  locked-down  Unknown", lines[section + 1]);
        var reasonLines = lines.Skip(section + 2).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).ToList();
        Assert.True(reasonLines.Count > 1, text);
        Assert.Equal(LongReason, string.Join(" ", reasonLines.Select(l => l.Trim())));
        Assert.Equal("  stopped-dev  Skipped", lines[section + 2 + reasonLines.Count]);
        Assert.Equal("    power state is Stopped", lines[section + 3 + reasonLines.Count]);
        Assert.Contains(lines, l => l.StartsWith("prod-eu ", StringComparison.Ordinal) && l.Contains("Scanned", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("locked-down ", StringComparison.Ordinal) && l.Contains("Unknown", StringComparison.Ordinal) && l.Contains(" -", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Summary_WorstNamespaces_TenRankedByMostSevereFailingFindingsFirst()
    {
        // Arrange: twelve namespaces with failing findings; "crit" has one critical, "many" has five medium.
        var namespaces = Enumerable.Range(1, 10).Select(i => Namespace($"low-{i:00}", Enumerable.Repeat(Severity.Low, i).ToArray()))
            .Append(Namespace("crit", Severity.Critical))
            .Append(Namespace("many", Severity.Medium, Severity.Medium, Severity.Medium, Severity.Medium, Severity.Medium))
            .ToList();
        var cluster = ReportFixtures.Cluster("sub-a", "prod", "one", []) with { Namespaces = namespaces };

        // Act
        var text = await WriteSummaryAsync([cluster]);

        // Assert
        var lines = text.Split('\n');
        var section = Array.FindIndex(lines, l => l.StartsWith("Worst namespaces (top 10", StringComparison.Ordinal));
        Assert.True(section > 0, text);
        var worst = lines.Skip(section + 1).Take(SummaryReportWriter.WorstNamespaceCount + 1).ToList();
        Assert.StartsWith("  prod/crit ", worst[0], StringComparison.Ordinal);
        Assert.EndsWith("1 critical", worst[0], StringComparison.Ordinal);
        Assert.StartsWith("  prod/many ", worst[1], StringComparison.Ordinal);
        Assert.StartsWith("  prod/low-10 ", worst[2], StringComparison.Ordinal);
        Assert.StartsWith("  prod/low-03 ", worst[9], StringComparison.Ordinal);
        Assert.Equal(string.Empty, worst[10]);
    }

    [Fact]
    public async Task Summary_LongNamesReasonsAndEngines_NoLineWiderThan80Columns()
    {
        // Arrange
        var longName = new string('c', 70);
        var clusters = new List<ClusterAssessment>
        {
            ReportFixtures.Cluster("sub-a", longName, "one", [new string('n', 70)]) with
            {
                Engine = new EngineSummary("azure-npm", "declared", Declared: true, EnforcementDisabled: true),
            },
            ReportFixtures.Cluster("sub-a", longName + "-2", "one", []) with
            {
                Status = ClusterScanStatus.Unknown,
                StatusReason = LongReason + " " + new string('x', 120),
            },
        };
        clusters[0] = clusters[0] with
        {
            Namespaces = [clusters[0].Namespaces[0] with { Findings = [ReportFixtures.Failing(new string('n', 70), Severity.High, "NP-001")] }],
        };

        // Act
        var text = await WriteSummaryAsync(clusters);

        // Assert
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length > 10, text);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Contains(lines, l => l.EndsWith("1 high", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScanSimulatedFleet_FormatSummary_NamesEveryUnknownAndSkippedClusterWithin80Columns()
    {
        // Arrange: the JSON of the same seeded fleet says which clusters were not scanned.
        string[] Args(string format) =>
        [
            "scan", "--simulated-fleet", "20", "--sim-seed", "11", "--sim-fault-rate", "0.5", "--sim-namespaces", "4",
            "--sim-pods", "3", "--sim-latency-ms", "0", "--format", format,
        ];
        using var json = new CliHarness();
        await json.RunAsync(Args("json"));
        using var report = JsonDocument.Parse(json.RawStandardOutput);
        var notScanned = report.RootElement.GetProperty("clusters").EnumerateArray()
            .Where(c => c.GetProperty("status").GetString() != "Scanned")
            .Select(c => $"  {c.GetProperty("name").GetString()}  {c.GetProperty("status").GetString()}")
            .ToList();
        using var cli = new CliHarness();

        // Act
        var exitCode = await cli.RunAsync(Args("summary"));

        // Assert
        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.NotEmpty(notScanned);
        var lines = cli.RawStandardOutput.TrimEnd('\n').Split('\n');
        Assert.Contains($"Unknown and skipped clusters ({notScanned.Count}):", lines);
        Assert.All(notScanned, expected => Assert.Contains(expected, lines));
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Equal(20, lines.Count(l => l.Contains(" Scanned ", StringComparison.Ordinal) || l.Contains(" Unknown ", StringComparison.Ordinal) || l.Contains(" Skipped ", StringComparison.Ordinal)));
    }

    private static NamespaceAssessment Namespace(string name, params Severity[] failing) => new()
    {
        Name = name,
        Status = NamespaceStatus.NonCompliant,
        Findings = [.. failing.Select((s, i) => ReportFixtures.Failing(name, s, $"NP-{i:000}"))],
    };

    private static async Task<string> WriteSummaryAsync(IEnumerable<ClusterAssessment> clusters)
    {
        using var stream = new MemoryStream();
        await using (var writer = new OrderedReportWriter(new SummaryReportWriter(stream)))
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
}
