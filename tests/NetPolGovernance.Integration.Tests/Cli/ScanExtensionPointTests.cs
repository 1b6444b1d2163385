using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// The seams other sources and sinks plug into (<see cref="IScanSource"/>, <see cref="IScanResultSink"/>), exercised
/// with fakes of our own interfaces, and the exit codes for incomplete scans and failed publishing.
/// </summary>
public sealed class ScanExtensionPointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Scan_FleetWithAnUnreadableCluster_ReturnsIncompleteAndReportsTheReason()
    {
        using var cli = new CliHarness(services => services.AddSingleton<IScanSource>(new FakeFleetSource()));

        var exitCode = await cli.RunAsync("scan", "--fake-fleet", "--format", "json");

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        using var report = JsonDocument.Parse(cli.StandardOutput);
        var clusters = report.RootElement.GetProperty("clusters").EnumerateArray().ToList();
        Assert.Equal(2, clusters.Count);
        var unknown = clusters.Single(c => c.GetProperty("status").GetString() == "Unknown");
        Assert.Equal("unreachable: API server did not answer", unknown.GetProperty("reason").GetString());
        Assert.Equal("incomplete", report.RootElement.GetProperty("summary").GetProperty("result").GetString());
        Assert.Equal(1, report.RootElement.GetProperty("summary").GetProperty("clusters").GetProperty("unknown").GetInt32());
    }

    [Fact]
    public async Task Scan_TwoSourcesSelected_ReturnsUsageError()
    {
        using var cli = new CliHarness(services => services.AddSingleton<IScanSource>(new FakeFleetSource()));

        var exitCode = await cli.RunAsync("scan", "--fake-fleet", "--manifests", _dir.Path);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("choose one source per scan", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SinkFails_ReturnsPublishFailedAfterWritingTheReport()
    {
        _dir.Write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        var sink = new FakeSink(succeed: false);
        using var cli = new CliHarness(services => services.AddSingleton<IScanResultSink>(sink));

        var exitCode = await cli.RunAsync("scan", "--manifests", _dir.Path, "--fake-publish", "--format", "json");

        Assert.Equal(ExitCodes.PublishFailed, exitCode);
        Assert.Equal(1, sink.ClustersSeen);
        Assert.Contains("fake sink: 1 cluster(s), failed", cli.StandardError, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(cli.StandardOutput);
        // The result stays the compliance verdict; the publishing failure is in the exit code and the messages.
        Assert.Equal("noncompliant", report.RootElement.GetProperty("summary").GetProperty("result").GetString());
        Assert.Equal(ExitCodes.PublishFailed, report.RootElement.GetProperty("summary").GetProperty("exitCode").GetInt32());
        Assert.Contains("fake sink: 1 cluster(s), failed", report.RootElement.GetProperty("summary").GetProperty("publishing")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SinkNotRequested_IsNotOpened()
    {
        _dir.Write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        var sink = new FakeSink(succeed: false);
        using var cli = new CliHarness(services => services.AddSingleton<IScanResultSink>(sink));

        await cli.RunAsync("scan", "--manifests", _dir.Path, "--format", "json");

        Assert.Equal(0, sink.ClustersSeen);
    }

    /// <summary>Two clusters: one read, one unreachable.</summary>
    private sealed class FakeFleetSource : IScanSource, IClusterInventory, ISnapshotCollector
    {
        private readonly Option<bool> _option = new("--fake-fleet");

        public string Usage => "--fake-fleet";

        public void AddOptions(Command command) => command.Options.Add(_option);

        public bool IsSelected(ParseResult parseResult) => parseResult.GetValue(_option);

        public Task<ScanSourceSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken) =>
            Task.FromResult(new ScanSourceSession(this, this));

        public async IAsyncEnumerable<ClusterTarget> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield return new ClusterTarget { Identity = new ClusterIdentity { Name = "ok" } };
            yield return new ClusterTarget { Identity = new ClusterIdentity { Name = "down" } };
        }

        public Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken) =>
            Task.FromResult(target.Identity.Name == "down"
                ? CollectionOutcome.Unknown("unreachable: API server did not answer", AccessPath.Kubeconfig, CollectionStats.None)
                : CollectionOutcome.Read(
                    new ClusterSnapshot { Cluster = target.Identity, Namespaces = [new NamespaceInfo { Name = "kube-system" }] },
                    AccessPath.Kubeconfig,
                    new CollectionStats { ApiCalls = 5 }));
    }

    private sealed class FakeSink(bool succeed) : IScanResultSink, IScanResultSession
    {
        private readonly Option<bool> _option = new("--fake-publish");

        public int ClustersSeen { get; private set; }

        public void AddOptions(Command command) => command.Options.Add(_option);

        public Task<IScanResultSession?> OpenAsync(ParseResult parseResult, ScanContext scan, CancellationToken cancellationToken) =>
            Task.FromResult(parseResult.GetValue(_option) ? this : (IScanResultSession?)null);

        public Task OnClusterAsync(ClusterAssessment assessment, CancellationToken cancellationToken)
        {
            ClustersSeen++;
            return Task.CompletedTask;
        }

        public Task<SinkOutcome> CompleteAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new SinkOutcome(succeed, $"fake sink: {ClustersSeen} cluster(s), {(succeed ? "sent" : "failed")}"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
