using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Connectors.Scanning;
using Spectre.Console;
using Spectre.Console.Testing;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// What a person sees on stderr during a fleet scan: a live line on a terminal that ends as one summary line, plain
/// lines off a terminal, log entries as one-line warnings shown once, and the <c>--quiet</c>/<c>--verbose</c>/
/// <c>--no-color</c> switches.
/// </summary>
public sealed class ProgressTests : IDisposable
{
    private readonly TestConsole _out = new();
    private readonly TestConsole _err = new TestConsole().Width(80);
    private readonly FakeTimeProvider _time = new(CliHarness.Now);

    public void Dispose()
    {
        _out.Dispose();
        _err.Dispose();
    }

    [Fact]
    public async Task Terminal_ShowsALiveBarWithTotalUnknownAndEta_ThenCollapsesIntoASummaryLine()
    {
        _err.Interactive();
        var interaction = Interaction();
        using var progress = new ScanProgress(interaction, _time);
        await ListAsync(progress, 4);

        _time.Advance(TimeSpan.FromSeconds(10));
        progress.Report(new FleetScanProgress("aks-1", 1, ClusterScanStatus.Scanned));
        Assert.EndsWith("[======                  ] 1/4 clusters, 0 Unknown, 10s elapsed, ETA 30s", _err.Output, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(10));
        progress.Report(new FleetScanProgress("aks-2", 2, ClusterScanStatus.Unknown));
        interaction.DisplayWarning("Cluster aks-2 is Unknown: forbidden");
        Assert.EndsWith(
            "\r\u001b[2Kwarning: Cluster aks-2 is Unknown: forbidden\n[============            ] 2/4 clusters, 1 Unknown, 20s elapsed, ETA 20s",
            Lf(_err.Output),
            StringComparison.Ordinal);

        progress.Report(new FleetScanProgress("aks-3", 3, ClusterScanStatus.Skipped));
        progress.Report(new FleetScanProgress("aks-4", 4, ClusterScanStatus.Scanned));
        progress.Complete();

        var lastLine = Lf(_err.Output).TrimEnd('\n').Split('\n')[^1];
        Assert.EndsWith("4/4 clusters, 1 Unknown, 20s elapsed\r\u001b[2Kscanned 4 clusters in 20s: 2 Scanned, 1 Unknown, 1 Skipped", lastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffATerminal_WritesAPlainLineEveryFewSecondsAndEachTenth_NeverALiveLine()
    {
        var interaction = Interaction();
        using var progress = new ScanProgress(interaction, _time);
        await ListAsync(progress, 20);

        progress.Report(new FleetScanProgress("aks-1", 1, ClusterScanStatus.Scanned));
        Assert.Equal(string.Empty, _err.Output); // less than a tenth, and no time has passed

        _time.Advance(ScanProgress.PlainInterval);
        Assert.Equal("progress: 1/20 clusters, 0 Unknown, 5s elapsed, ETA 1m35s\n", _err.Output.ReplaceLineEndings("\n"));

        progress.Report(new FleetScanProgress("aks-2", 2, ClusterScanStatus.Unknown)); // a tenth
        Assert.EndsWith("progress: 2/20 clusters, 1 Unknown, 5s elapsed, ETA 45s\n", _err.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        for (var done = 3; done <= 20; done++)
        {
            progress.Report(new FleetScanProgress($"aks-{done}", done, ClusterScanStatus.Scanned));
        }

        progress.Complete();
        var lines = _err.Output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(11, lines.Length); // the timed line, nine tenths, the summary
        Assert.Equal("scanned 20 clusters in 5s: 19 Scanned, 1 Unknown, 0 Skipped", lines[^1]);
        Assert.DoesNotContain('\r', _err.Output);
    }

    [Fact]
    public async Task OneCluster_ShowsNoProgressAtAll()
    {
        _err.Interactive();
        using var progress = new ScanProgress(Interaction(), _time);
        await ListAsync(progress, 1);
        _time.Advance(TimeSpan.FromSeconds(30));
        progress.Report(new FleetScanProgress("manifests", 1, ClusterScanStatus.Scanned));
        progress.Complete();

        Assert.Equal(string.Empty, _err.Output);
    }

    [Fact]
    public async Task Quiet_ShowsNeitherProgressNorWarnings_ButErrors()
    {
        _err.Interactive();
        var interaction = Interaction();
        interaction.Verbosity = Verbosity.Quiet;
        using var progress = new ScanProgress(interaction, _time);
        await ListAsync(progress, 3);
        progress.Report(new FleetScanProgress("aks-1", 1, ClusterScanStatus.Scanned));
        interaction.DisplayWarning("something");
        interaction.DisplayError("broken");
        progress.Complete();

        Assert.Equal("error: broken\n", _err.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Verbose_AddsALinePerCluster()
    {
        var interaction = Interaction();
        interaction.Verbosity = Verbosity.Verbose;
        using var progress = new ScanProgress(interaction, _time);
        await ListAsync(progress, 3);
        progress.Report(new FleetScanProgress("aks-1", 1, ClusterScanStatus.Unknown));

        Assert.StartsWith("[1/3] aks-1: Unknown\n", _err.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void LogEntries_AreOneLineWarningsOrErrors_EachShownOnce_WithoutTheCollectorsDuplicateUnknown()
    {
        var interaction = Interaction();
        using var factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new InteractionLoggerProvider(interaction)));
        var scanner = factory.CreateLogger("NetPolGovernance.Connectors.Scanning.FleetScanner");
        var collector = factory.CreateLogger("NetPolGovernance.Connectors.Kubernetes.Collection.KubernetesSnapshotCollector");

        for (var i = 0; i < 2; i++)
        {
#pragma warning disable CA1848, CA2254, CA1873 // the templates are the point of the test
            collector.LogWarning("Cluster {ClusterName}: Unknown: {Reason}", "aks-1", "HTTP 401");
            scanner.LogWarning("Cluster {ClusterName} is Unknown: {Reason}", "aks-1", "HTTP 401; refresh the credentials");
            collector.LogInformation("Cluster {ClusterName}: collected with {ApiCalls} calls", "aks-2", 12);
            scanner.LogError("Collector fault on cluster {ClusterName}", "aks-3");
#pragma warning restore CA1848, CA2254, CA1873
        }

        Assert.Equal(
            "warning: Cluster aks-1 is Unknown: HTTP 401; refresh the credentials\nerror: Collector fault on cluster aks-3\n",
            _err.Output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("warn:", _err.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void NoColor_LeavesTheLabelsUncoloured()
    {
        using var colored = new TestConsole().EmitAnsiSequences().Colors(ColorSystem.TrueColor);
        var interaction = new ConsoleInteractionService(_out, colored, () => Stream.Null);
        interaction.DisplayError("with colour");
        Assert.Contains("\u001b[", colored.Output, StringComparison.Ordinal);

        using var plain = new TestConsole().EmitAnsiSequences().Colors(ColorSystem.TrueColor);
        interaction = new ConsoleInteractionService(_out, plain, () => Stream.Null) { UseColor = false };
        interaction.DisplayError("without");
        interaction.DisplayWarning("without");
        Assert.Equal("error: without\nwarning: without\n", plain.Output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("1", true)]
    [InlineData("true", true)]
    public void NoColorEnvironment_FollowsTheConvention(string? value, bool noColor) =>
        Assert.Equal(noColor, GlobalOptions.NoColorRequested(value));

    [Fact]
    public async Task Scan_QuietAndVerboseTogether_IsAUsageError()
    {
        using var cli = new CliHarness();
        var exitCode = await cli.RunAsync("scan", CliHarness.SamplesPath("manifests"), "-q", "-v");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--quiet and --verbose contradict each other", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FleetScan_EndsWithTheSummaryLineOnStderr_AndQuietDropsIt()
    {
        using (var cli = new CliHarness())
        {
            var exitCode = await cli.RunAsync("scan", "--simulated-fleet", "3", "--sim-latency-ms", "0", "-f", "json");
            Assert.True(exitCode is ExitCodes.Compliant or ExitCodes.NonCompliant or ExitCodes.Incomplete, cli.StandardError);
            Assert.Contains("scanned 3 clusters in 0s: ", cli.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("scanned 3 clusters", cli.RawStandardOutput, StringComparison.Ordinal);
        }

        using (var quiet = new CliHarness())
        {
            await quiet.RunAsync("scan", "--simulated-fleet", "3", "--sim-latency-ms", "0", "-f", "json", "--quiet");
            Assert.Equal(string.Empty, quiet.StandardError);
        }
    }

    /// <summary>CRLF as LF, a lone CR (the live line's return to column 0) kept.</summary>
    private static string Lf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private ConsoleInteractionService Interaction() => new(_out, _err, () => Stream.Null);

    private static async Task ListAsync(ScanProgress progress, int count)
    {
        var targets = Enumerable.Range(1, count)
            .Select(i => new ClusterTarget { Identity = new ClusterIdentity { Name = $"aks-{i}" } })
            .ToAsyncEnumerable();
        await foreach (var target in progress.CountAsync(targets, TestContext.Current.CancellationToken))
        {
            Assert.NotNull(target);
        }
    }
}
