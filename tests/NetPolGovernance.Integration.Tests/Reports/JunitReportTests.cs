using System.Text.Json;
using System.Xml.Linq;
using NetPolGovernance.Cli;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Reports;

/// <summary>
/// <c>--format junit</c>: well-formed XML whose suites, cases, failures, errors and skips count exactly what the JSON
/// report of the same scan holds; Unknown is an error, never a passed case.
/// </summary>
public sealed class JunitReportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[]> Scans => new()
    {
        { new[] { "scan", CliHarness.SamplesPath("manifests"), "--exemptions", CliHarness.SamplesPath("exemptions.yaml") } },
        { new[] { "scan", "--simulated-fleet", "12", "--sim-latency-ms", "0", "--sim-namespaces", "3", "--sim-pods", "2", "--sim-fault-rate", "0.3" } },
    };

    [Theory]
    [MemberData(nameof(Scans))]
    public async Task Junit_CountsMatchTheJsonReport(string[] scan)
    {
        using var json = new CliHarness();
        var jsonExit = await json.RunAsync([.. scan, "-f", "json"]);
        using var junit = new CliHarness();
        var xmlFile = Path.Combine(_dir.Path, "netpolgov.xml");
        // -o FILE.xml without --format picks junit.
        var junitExit = await junit.RunAsync([.. scan, "-o", xmlFile]);

        Assert.Equal(jsonExit, junitExit);
        using var report = JsonDocument.Parse(json.RawStandardOutput);
        var xml = XDocument.Parse(await File.ReadAllTextAsync(xmlFile, TestContext.Current.CancellationToken));
        Assert.Equal("testsuites", xml.Root!.Name.LocalName);
        var clusters = report.RootElement.GetProperty("clusters").EnumerateArray().ToList();
        var suites = xml.Root.Elements("testsuite").ToList();
        Assert.Equal(clusters.Select(c => c.GetProperty("name").GetString()), suites.Select(s => (string?)s.Attribute("name")));

        foreach (var (cluster, suite) in clusters.Zip(suites))
        {
            var findings = cluster.GetProperty("findings").EnumerateArray()
                .Concat(cluster.GetProperty("namespaces").EnumerateArray().SelectMany(n => n.GetProperty("findings").EnumerateArray()))
                .Select(f => f.GetProperty("result").GetString())
                .ToList();
            var status = cluster.GetProperty("status").GetString();
            var cases = suite.Elements("testcase").ToList();
            var notRead = status != "Scanned" ? 1 : 0;
            Assert.Equal(findings.Count + notRead, cases.Count);
            Assert.Equal(cases.Count, (int)suite.Attribute("tests")!);
            Assert.Equal(findings.Count(r => r == "Fail"), cases.Count(c => c.Element("failure") is not null));
            Assert.Equal(findings.Count(r => r == "Unknown") + (status == "Unknown" ? 1 : 0), cases.Count(c => c.Element("error") is not null));
            Assert.Equal(findings.Count(r => r is "Exempt" or "NotApplicable") + (status == "Skipped" ? 1 : 0), cases.Count(c => c.Element("skipped") is not null));
            Assert.Equal(cases.Count(c => c.Element("failure") is not null), (int)suite.Attribute("failures")!);
            Assert.Equal(cases.Count(c => c.Element("error") is not null), (int)suite.Attribute("errors")!);
            Assert.Equal(cases.Count(c => c.Element("skipped") is not null), (int)suite.Attribute("skipped")!);
            Assert.Equal(status, suite.Element("properties")!.Elements("property").Single(p => (string?)p.Attribute("name") == "status").Attribute("value")!.Value);
            if (status == "Unknown")
            {
                var read = Assert.Single(cases, c => (string?)c.Attribute("name") == "cluster read");
                Assert.StartsWith("Unknown: ", (string?)read.Element("error")!.Attribute("message"), StringComparison.Ordinal);
            }
        }

        Assert.Contains(suites, s => (int)s.Attribute("failures")! > 0);
    }

    [Fact]
    public async Task Junit_FleetWithAnUnknownCluster_ShowsItAsAnError()
    {
        using var junit = new CliHarness();

        var exitCode = await junit.RunAsync("scan", "--simulated-fleet", "12", "--sim-latency-ms", "0", "--sim-namespaces", "3", "--sim-pods", "2", "--sim-fault-rate", "0.3", "-f", "junit");

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        var xml = XDocument.Parse(junit.RawStandardOutput);
        var suite = Assert.Single(xml.Root!.Elements("testsuite"), s => (string?)s.Attribute("name") == "aks-00008");
        Assert.True((int)suite.Attribute("errors")! >= 1);
        Assert.NotNull(suite.Elements("testcase").Single(c => (string?)c.Attribute("name") == "cluster read").Element("error"));
    }
}
