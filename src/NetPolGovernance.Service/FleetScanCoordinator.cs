using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Service;

/// <summary>
/// Starts a scan: takes the scope's lock (so runs do not overlap), creates a scan id, lists the inventory and puts
/// one message per cluster on the scan queue, recording the start and the number enqueued in the ledger.
/// The per-cluster work happens in <see cref="ClusterScanService"/>, one queue message at a time.
/// </summary>
public sealed partial class FleetScanCoordinator
{
    private const int EnqueueConcurrency = 16;

    private readonly IClusterInventory _inventory;
    private readonly ScanQueue _queue;
    private readonly ScanLedger _ledger;
    private readonly ScanTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetScanCoordinator> _logger;

    public FleetScanCoordinator(
        IClusterInventory inventory,
        ScanQueue queue,
        ScanLedger ledger,
        ScanTelemetry telemetry,
        TimeProvider time,
        ILogger<FleetScanCoordinator> logger)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _inventory = inventory;
        _queue = queue;
        _ledger = ledger;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Fans a scan out to the queue. Returns <see cref="ScanStartResult.Overlapping"/> without doing anything when a scan
    /// of the same scope is still enqueueing. An inventory failure is recorded, then rethrown.
    /// </summary>
    public async Task<ScanStartResult> StartAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PastDue)
        {
            LogPastDue(request.Scope.ToString());
        }

        using var activity = ScanTelemetry.StartFleetScan(request.Trigger, request.Scope);
        var held = await _ledger.TryAcquireLockAsync(request.Scope.LockName, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            LogOverlap(request.Scope.ToString());
            activity?.SetTag("netpolgov.scan.overlap", true);
            return ScanStartResult.Overlapping();
        }

        await using (held.ConfigureAwait(false))
        {
            var startedAt = _time.GetUtcNow();
            var record = new ScanRecord
            {
                ScanId = ScannerBuild.NewScanId(startedAt),
                Trigger = request.Trigger,
                Scope = request.Scope.ToString(),
                StartedAt = startedAt,
                PastDue = request.PastDue,
                Status = ScanRecordStatus.Enqueuing,
            };
            activity?.SetTag("netpolgov.scan.id", record.ScanId);
            await _ledger.WriteScanRecordAsync(record, cancellationToken).ConfigureAwait(false);
            LogScanStarted(record.ScanId, request.Trigger, record.Scope);

            var enqueued = 0;
            try
            {
                await Parallel.ForEachAsync(
                    _inventory.ListAsync(cancellationToken),
                    new ParallelOptions { MaxDegreeOfParallelism = EnqueueConcurrency, CancellationToken = cancellationToken },
                    async (target, token) =>
                    {
                        if (!request.Scope.Includes(target))
                        {
                            return;
                        }

                        var message = new ClusterScanMessage { ScanId = record.ScanId, ScanStartedAt = startedAt, Trigger = request.Trigger, Target = target };
                        await _queue.EnqueueAsync(message, token).ConfigureAwait(false);
                        Interlocked.Increment(ref enqueued);
                    }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (ex is Connectors.Azure.AzureSignInException)
                {
                    // One line that says what to do; the stack would add nothing.
                    LogSignInFailed(record.ScanId, ex.Message);
                }
                else
                {
                    LogScanFailed(ex, record.ScanId, enqueued);
                }

                await _ledger.WriteScanRecordAsync(
                    record with { Status = ScanRecordStatus.Failed, ClustersEnqueued = enqueued, Error = Describe(ex) },
                    CancellationToken.None).ConfigureAwait(false);
                _telemetry.ClustersEnqueued(enqueued, request.Trigger);
                throw;
            }

            await _ledger.WriteScanRecordAsync(
                record with { Status = ScanRecordStatus.Enqueued, ClustersEnqueued = enqueued, EnqueuedAt = _time.GetUtcNow() },
                cancellationToken).ConfigureAwait(false);
            _telemetry.ClustersEnqueued(enqueued, request.Trigger);
            activity?.SetTag("netpolgov.scan.clusters", enqueued);
            LogScanEnqueued(record.ScanId, enqueued);
            return ScanStartResult.Started(record.ScanId, enqueued);
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        global::Azure.RequestFailedException failed => Connectors.Azure.ArmErrors.Describe(failed),
        _ => exception.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled scan of {Scope} is past due (a run was missed or started late)")]
    private partial void LogPastDue(string scope);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A scan of {Scope} is already running; this run does nothing")]
    private partial void LogOverlap(string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan {ScanId} started by {Trigger} for {Scope}")]
    private partial void LogScanStarted(string scanId, ScanTrigger trigger, string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan {ScanId} enqueued {ClustersEnqueued} clusters")]
    private partial void LogScanEnqueued(string scanId, int clustersEnqueued);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan {ScanId} could not list the inventory: {Reason}")]
    private partial void LogSignInFailed(string scanId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan {ScanId} failed after enqueueing {ClustersEnqueued} clusters")]
    private partial void LogScanFailed(Exception exception, string scanId, int clustersEnqueued);
}

/// <summary>A request to start a scan.</summary>
public sealed record ScanRequest(ScanTrigger Trigger, ScanScope Scope, bool PastDue = false);

/// <summary>What <see cref="FleetScanCoordinator.StartAsync"/> did.</summary>
public sealed record ScanStartResult(bool IsStarted, string? ScanId, int ClustersEnqueued)
{
    public static ScanStartResult Started(string scanId, int clustersEnqueued) => new(true, scanId, clustersEnqueued);

    public static ScanStartResult Overlapping() => new(false, null, 0);
}
