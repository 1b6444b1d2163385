using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// The scan pipeline: targets stream in, assessments stream out, at most
/// <see cref="FleetScanOptions.MaxConcurrency"/> clusters in flight. Memory does not grow with the
/// fleet; one cluster's failure or timeout becomes an Unknown assessment, never a failed scan.
/// Results come out in completion order.
/// </summary>
public sealed partial class FleetScanner
{
    private readonly ISnapshotCollector _collector;
    private readonly ILogger<FleetScanner> _logger;

    public FleetScanner(ISnapshotCollector collector, ILogger<FleetScanner> logger)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(logger);
        _collector = collector;
        _logger = logger;
    }

    public async IAsyncEnumerable<ClusterAssessment> ScanAsync(
        IAsyncEnumerable<ClusterTarget> targets,
        AnalysisOptions analysisOptions,
        FleetScanOptions scanOptions,
        IProgress<FleetScanProgress>? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(analysisOptions);
        ArgumentNullException.ThrowIfNull(scanOptions);
        scanOptions.Validate();

        var results = Channel.CreateBounded<ClusterAssessment>(new BoundedChannelOptions(scanOptions.MaxConcurrency)
        {
            SingleReader = true,
            SingleWriter = false,
        });

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var completed = 0;
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await Parallel.ForEachAsync(
                        targets,
                        new ParallelOptions { MaxDegreeOfParallelism = scanOptions.MaxConcurrency, CancellationToken = linked.Token },
                        async (target, token) =>
                        {
                            var assessment = await ScanOneAsync(target, analysisOptions, scanOptions, token).ConfigureAwait(false);
                            await results.Writer.WriteAsync(assessment, token).ConfigureAwait(false);
                            var done = Interlocked.Increment(ref completed);
                            progress?.Report(new FleetScanProgress(target.Identity.Name, done, assessment.Status));
                        }).ConfigureAwait(false);
                    results.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    results.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var assessment in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return assessment;
            }
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The consumer stopped early; the producer was told to stop.
            }
        }

        await producer.ConfigureAwait(false);
    }

    /// <summary>Collects and analyses one cluster; never throws except on cancellation of the whole scan.</summary>
    public async Task<ClusterAssessment> ScanOneAsync(
        ClusterTarget target,
        AnalysisOptions analysisOptions,
        FleetScanOptions scanOptions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(analysisOptions);
        ArgumentNullException.ThrowIfNull(scanOptions);
        var identity = target.Identity;
        if (target.SkipReason is not null)
        {
            LogSkipped(identity.Name, target.SkipReason);
            return SnapshotAnalyzer.Unreadable(identity, ClusterScanStatus.Skipped, target.SkipReason, analysisOptions, target.NetworkProfile);
        }

        if (target.UnreadableReason is not null)
        {
            LogUnknown(identity.Name, target.UnreadableReason);
            return SnapshotAnalyzer.Unreadable(identity, ClusterScanStatus.Unknown, target.UnreadableReason, analysisOptions, target.NetworkProfile);
        }

        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(scanOptions.PerClusterTimeout);
        CollectionOutcome outcome;
        try
        {
            outcome = await _collector.CollectAsync(target, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"timeout: the cluster was not read within {scanOptions.PerClusterTimeout.TotalSeconds:0.#} s (per-cluster deadline)";
            outcome = CollectionOutcome.Unknown(reason, AccessPath.None, new CollectionStats { DurationMs = stopwatch.ElapsedMilliseconds }, FailureKind.Timeout);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCollectorFault(ex, identity.Name);
            outcome = CollectionOutcome.Unknown(
                $"collector error: {ex.Message}",
                AccessPath.None,
                new CollectionStats { DurationMs = stopwatch.ElapsedMilliseconds });
        }

        if (outcome.Snapshot is null || outcome.Status != ClusterScanStatus.Scanned)
        {
            var reason = outcome.Reason ?? "the cluster could not be read";
            LogUnknown(identity.Name, reason);
            return SnapshotAnalyzer.Unreadable(
                identity,
                outcome.Status == ClusterScanStatus.Skipped ? ClusterScanStatus.Skipped : ClusterScanStatus.Unknown,
                reason,
                analysisOptions,
                target.NetworkProfile,
                outcome.AccessPath,
                outcome.Stats) with { StatusIsPermanent = outcome.Permanent };
        }

        var snapshot = outcome.Snapshot;
        if (snapshot.NetworkProfile is null && target.NetworkProfile is not null)
        {
            snapshot = snapshot with { NetworkProfile = target.NetworkProfile };
        }

        return SnapshotAnalyzer.Analyze(snapshot, analysisOptions, outcome.AccessPath, outcome.Stats);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterName} skipped: {Reason}")]
    private partial void LogSkipped(string clusterName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName} is Unknown: {Reason}")]
    private partial void LogUnknown(string clusterName, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Collector fault on cluster {ClusterName}")]
    private partial void LogCollectorFault(Exception exception, string clusterName);
}
