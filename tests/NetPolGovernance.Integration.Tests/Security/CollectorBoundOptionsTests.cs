using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>
/// The live-read bounds as a user sets them: one definition (<see cref="CollectorBounds.All"/>) behind the CLI flags and
/// the Functions settings, parsed and range-checked the same way, and reaching the collector of the scan.
/// </summary>
public sealed class CollectorBoundOptionsTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("MaxPagesPerList", "50", 50)]
    [InlineData("MaxClusterBytes", "1GiB", 1024 * MiB)]
    [InlineData("MaxClusterBytes", "768 MiB", 768 * MiB)]
    [InlineData("MaxResponseBytes", "65536", 64 * 1024)]
    [InlineData("MaxDocumentBytes", "64kib", 64 * 1024)]
    [InlineData("RequestTimeout", "90", 90_000)]
    [InlineData("RequestTimeout", "500ms", 500)]
    [InlineData("RequestTimeout", "2m", 120_000)]
    [InlineData("RequestTimeout", "1h", 3_600_000)]
    public void Apply_ReadableValue_SetsTheBound(string property, string text, long expected)
    {
        var bound = CollectorBounds.All.Single(b => b.Property == property);

        var options = bound.Apply(new KubernetesCollectorOptions(), text, bound.Flag);

        Assert.Equal(expected, bound.ValueOf(options));
    }

    [Theory]
    [InlineData("MaxPagesPerList", "0", "--max-pages-per-list is '0': it must be between 1 and 1000000.")]
    [InlineData("MaxPagesPerList", "-3", "--max-pages-per-list is '-3': it must be a whole number between 1 and 1000000.")]
    [InlineData("MaxClusterBytes", "1", "--max-cluster-bytes is '1': it must be between 64KiB and 64GiB.")]
    [InlineData("MaxClusterBytes", "9999999999GiB", "--max-cluster-bytes is '9999999999GiB': it must be a size in bytes")]
    [InlineData("RequestTimeout", "soon", "--request-timeout is 'soon': it must be a duration")]
    [InlineData("RequestTimeout", "2h", "--request-timeout is '2h': it must be between 100ms and 1h.")]
    public void Apply_BadValue_NamesTheSourceAndWhatItMustBe(string property, string text, string expected)
    {
        var bound = CollectorBounds.All.Single(b => b.Property == property);

        var error = Assert.Throws<FormatException>(() => bound.Apply(new KubernetesCollectorOptions(), text, bound.Flag));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_EveryBound_HasAFlagASettingAndADefaultInsideItsRange()
    {
        var defaults = new KubernetesCollectorOptions();

        Assert.Equal(7, CollectorBounds.All.Count);
        Assert.All(CollectorBounds.All, bound =>
        {
            Assert.StartsWith("--", bound.Flag, StringComparison.Ordinal);
            Assert.StartsWith("NETPOLGOV_", bound.SettingName, StringComparison.Ordinal);
            Assert.InRange(bound.ValueOf(defaults), bound.Min, bound.Max);

            // The default as written reads back as the default.
            Assert.Equal(bound.ValueOf(defaults), bound.ValueOf(bound.Apply(defaults with { }, bound.DefaultText, bound.Flag)));
        });
        Assert.Contains(CollectorBounds.All, b => b is { Flag: "--max-cluster-bytes", SettingName: "NETPOLGOV_MAX_CLUSTER_BYTES" });
    }

    [Fact]
    public async Task ScanSimulatedFleet_MaxItemsPerListOne_ApiServerReadsUnknownNamingTheFlag()
    {
        // Arrange: the same fleet scanned with the defaults and with a bound no real cluster fits (one namespace per list).
        using var unbounded = new CliHarness();
        using var bounded = new CliHarness();
        string[] fleet = ["scan", "--simulated-fleet", "4", "--sim-seed", "7", "--sim-fault-rate", "0", "--sim-latency-ms", "0", "--sim-namespaces", "3", "--format", "json"];

        // Act
        await unbounded.RunAsync(fleet);
        var exitCode = await bounded.RunAsync([.. fleet, "--max-items-per-list", "1"]);

        // Assert: every cluster read through its API server (not runCommand, which the bound does not govern) is Unknown
        // with a reason that names the flag to raise; with the defaults the same clusters are Scanned.
        var before = Clusters(unbounded.RawStandardOutput);
        var after = Clusters(bounded.RawStandardOutput);
        var throughApiServer = before.Where(c => c.Value.Status == "Scanned" && c.Value.AccessPath == "AksEntraToken").Select(c => c.Key).ToList();
        Assert.NotEmpty(throughApiServer);
        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.All(throughApiServer, name =>
        {
            Assert.Equal("Unknown", after[name].Status);
            Assert.Contains("--max-items-per-list", after[name].Reason, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Scan_BoundOutOfRange_ExitsUsageErrorNamingTheFlagAndTheRange()
    {
        using var cli = new CliHarness();

        var exitCode = await cli.RunAsync("scan", "--simulated-fleet", "2", "--max-cluster-bytes", "1");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--max-cluster-bytes is '1': it must be between 64KiB and 64GiB.", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanHelp_ListsEveryBoundFlag()
    {
        using var cli = new CliHarness();

        var exitCode = await cli.RunAsync("scan", "--help");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.All(CollectorBounds.All, bound => Assert.Contains(bound.Flag, cli.StandardOutput, StringComparison.Ordinal));
    }

    private static Dictionary<string, (string Status, string AccessPath, string Reason)> Clusters(string json)
    {
        using var report = JsonDocument.Parse(json);
        return report.RootElement.GetProperty("clusters").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("accessPath").GetString() ?? string.Empty, c.GetProperty("reason").GetString() ?? string.Empty));
    }
}
