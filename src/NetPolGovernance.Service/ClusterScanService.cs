using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Service;

/// <summary>
/// Scans one cluster of one scan from its queue message: collect, analyze, publish, then mark it done.
/// Idempotent on (scan id, cluster): a completion marker (written once) is checked before any work, and a per-cluster
/// lock keeps two deliveries of the same message from working at once. A cluster that cannot be read is not published
/// right away: its error is recorded and the delivery fails, so the queue retries it; after the last delivery the
/// poison path (<see cref="ProcessPoisonAsync"/>) publishes it as Unknown with that error.
/// </summary>
public sealed partial class ClusterScanService
{
    private readonly FleetScanner _scanner;
    private readonly IAssessmentPublisher _publisher;
    private readonly ScanLedger _ledger;
    private readonly ScanPolicySource _policies;
    private readonly ScanTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ScanServiceOptions _options;
    private readonly FleetScanOptions _scanOptions;
    private readonly ILogger<ClusterScanService> _logger;

    public ClusterScanService(
        FleetScanner scanner,
        IAssessmentPublisher publisher,
        ScanLedger ledger,
        ScanPolicySource policies,
        ScanTelemetry telemetry,
        TimeProvider time,
        IOptions<ScanServiceOptions> options,
        FleetScanOptions scanOptions,
        ILogger<ClusterScanService> logger)
    {
        ArgumentNullException.ThrowIfNull(scanner);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scanOptions);
        ArgumentNullException.ThrowIfNull(logger);
        _scanner = scanner;
        _publisher = publisher;
        _ledger = ledger;
        _policies = policies;
        _telemetry = telemetry;
        _time = time;
        _options = options.Value;
        _scanOptions = scanOptions;
        _logger = logger;
    }

    /// <summary>Handles one delivery. Throws to make the queue retry (cluster unreadable, publish incomplete, busy).</summary>
    public async Task<ClusterScanOutcome> ProcessAsync(string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        var message = ClusterScanMessage.Parse(messageText);
        var key = message.ClusterKey;
        using var activity = ScanTelemetry.StartClusterScan(message, dequeueCount);
        if (await IsDoneAsync(message, key, cancellationToken).ConfigureAwait(false))
        {
            return ClusterScanOutcome.AlreadyPublished;
        }

        var lease = await AcquireClusterLockAsync(message, key, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            if (await IsDoneAsync(message, key, cancellationToken).ConfigureAwait(false))
            {
                return ClusterScanOutcome.AlreadyPublished;
            }

            try
            {
                return await ScanAndPublishAsync(message, key, dequeueCount, activity, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or ClusterUnreadableException))
            {
                // Kept for the poison path, so a cluster that ends Unknown says why (publishing, exemptions blob, ...).
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                await TryRecordErrorAsync(message, key, new ClusterAttemptError(dequeueCount, ex.Message, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task<ClusterScanOutcome> ScanAndPublishAsync(ClusterScanMessage message, string key, long dequeueCount, Activity? activity, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var policy = await _policies.GetAsync(cancellationToken).ConfigureAwait(false);
        var analysisOptions = new AnalysisOptions { Now = _time.GetUtcNow(), Profile = policy.Profile, Exemptions = policy.Exemptions, DeclaredEngine = _options.DeclaredEngine, OwnerKeys = _options.OwnerKeys };
        var assessment = await _scanner.ScanOneAsync(message.Target, analysisOptions, _scanOptions, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("netpolgov.cluster.status", assessment.Status.ToString());

        if (assessment.Status is ClusterScanStatus.Unknown && assessment.StatusIsPermanent)
        {
            // Another delivery would meet the same refusal: publish Unknown now, with the reason.
            LogPermanentlyUnreadable(message.Target.Identity.Name, message.ScanId, assessment.StatusReason ?? string.Empty);
            activity?.SetStatus(ActivityStatusCode.Error, assessment.StatusReason);
            await PublishAsync(message, key, assessment, policy.Profile, dequeueCount, cancellationToken).ConfigureAwait(false);
            _telemetry.ClusterPublished(assessment, stopwatch.Elapsed);
            return ClusterScanOutcome.PublishedUnknown;
        }

        if (assessment.Status is ClusterScanStatus.Unknown)
        {
            var reason = assessment.StatusReason ?? "the cluster could not be read";
            _telemetry.ClusterUnreadable(assessment);
            await TryRecordErrorAsync(message, key, new ClusterAttemptError(dequeueCount, reason, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            LogUnreadable(message.Target.Identity.Name, message.ScanId, dequeueCount, reason);
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            throw new ClusterUnreadableException(message.Target.Identity.Name, dequeueCount, reason);
        }

        await PublishAsync(message, key, assessment, policy.Profile, dequeueCount, cancellationToken).ConfigureAwait(false);
        _telemetry.ClusterPublished(assessment, stopwatch.Elapsed);
        return ClusterScanOutcome.Published;
    }

    private async Task TryRecordErrorAsync(ClusterScanMessage message, string key, ClusterAttemptError error, CancellationToken cancellationToken)
    {
        try
        {
            await _ledger.RecordErrorAsync(message.ScanId, key, error, cancellationToken).ConfigureAwait(false);
        }
        catch (global::Azure.RequestFailedException ex)
        {
            LogErrorNotRecorded(ex, message.Target.Identity.Name, message.ScanId);
        }
    }

    /// <summary>
    /// Handles a message the host gave up on: publishes the cluster as Unknown with the last recorded error, unless a
    /// delivery already published it. A message that cannot be read at all is logged and dropped.
    /// </summary>
    public async Task<ClusterScanOutcome> ProcessPoisonAsync(string messageText, CancellationToken cancellationToken)
    {
        ClusterScanMessage message;
        try
        {
            message = ClusterScanMessage.Parse(messageText);
        }
        catch (InvalidScanMessageException ex)
        {
            LogUnreadableMessage(ex, ex.Message);
            return ClusterScanOutcome.Discarded;
        }

        var key = message.ClusterKey;
        using var activity = ScanTelemetry.StartClusterScan(message, ScanStorageNames.MaxDequeueCount + 1L);
        if (await IsDoneAsync(message, key, cancellationToken).ConfigureAwait(false))
        {
            return ClusterScanOutcome.AlreadyPublished;
        }

        var lease = await AcquireClusterLockAsync(message, key, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            if (await IsDoneAsync(message, key, cancellationToken).ConfigureAwait(false))
            {
                return ClusterScanOutcome.AlreadyPublished;
            }

            var lastError = await _ledger.ReadErrorAsync(message.ScanId, key, cancellationToken).ConfigureAwait(false);
            var reason = lastError is null
                ? $"the scan message failed {ScanStorageNames.MaxDequeueCount} deliveries without a recorded cluster error (a worker or publishing fault; see the function's failures for this scan)"
                : $"gave up after {ScanStorageNames.MaxDequeueCount} deliveries: {lastError.Error}";
            var policy = await ReadPolicyOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var analysisOptions = new AnalysisOptions { Now = _time.GetUtcNow(), Profile = policy.Profile, Exemptions = policy.Exemptions, DeclaredEngine = _options.DeclaredEngine, OwnerKeys = _options.OwnerKeys };
            var assessment = SnapshotAnalyzer.Unreadable(message.Target.Identity, ClusterScanStatus.Unknown, reason, analysisOptions, message.Target.NetworkProfile);
            LogGaveUp(message.Target.Identity.Name, message.ScanId, reason);
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            await PublishAsync(message, key, assessment, policy.Profile, ScanStorageNames.MaxDequeueCount, cancellationToken).ConfigureAwait(false);
            _telemetry.ClusterPublished(assessment, TimeSpan.Zero);
            return ClusterScanOutcome.PublishedUnknown;
        }
    }

    private async Task PublishAsync(ClusterScanMessage message, string key, ClusterAssessment assessment, ComplianceProfile profile, long dequeueCount, CancellationToken cancellationToken)
    {
        var context = new ScanContext(message.ScanId, message.ScanStartedAt, ScannerBuild.Version, profile);
        var result = await _publisher.PublishAsync(context, assessment, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && result.DeadLetterLocation is not null)
        {
            // The publisher kept the failed rows and re-sends them on its next run; publishing the whole cluster
            // again would duplicate the rows that were accepted.
            LogDeadLettered(message.Target.Identity.Name, message.ScanId, result.RowsFailed, result.DeadLetterLocation);
        }
        else if (!result.Succeeded)
        {
            throw new PublishIncompleteException(
                $"{result.RowsFailed} of {result.RowsSent + result.RowsFailed} rows of cluster {message.Target.Identity.Name} (scan {message.ScanId}) were not accepted"
                + (result.DeadLetterLocation is null ? "." : $"; kept at {result.DeadLetterLocation}."));
        }

        var completion = new ClusterCompletion
        {
            ScanId = message.ScanId,
            ClusterName = message.Target.Identity.Name,
            ClusterResourceId = message.Target.Identity.ResourceId,
            Status = assessment.Status,
            RowsSent = result.RowsSent,
            DequeueCount = dequeueCount,
            CompletedAt = _time.GetUtcNow(),
        };
        await _ledger.TryMarkCompletedAsync(key, completion, cancellationToken).ConfigureAwait(false);
        LogPublished(message.Target.Identity.Name, message.ScanId, assessment.Status, result.RowsSent);
    }

    private async Task<bool> IsDoneAsync(ClusterScanMessage message, string key, CancellationToken cancellationToken)
    {
        var completion = await _ledger.ReadCompletionAsync(message.ScanId, key, cancellationToken).ConfigureAwait(false);
        if (completion is null)
        {
            return false;
        }

        LogAlreadyPublished(message.Target.Identity.Name, message.ScanId, completion.CompletedAt);
        return true;
    }

    private async Task<ScanLease> AcquireClusterLockAsync(ClusterScanMessage message, string key, CancellationToken cancellationToken) =>
        await _ledger.TryAcquireLockAsync($"{message.ScanId}/{key}", cancellationToken).ConfigureAwait(false)
        ?? throw new ClusterScanBusyException($"Cluster {message.Target.Identity.Name} of scan {message.ScanId} is being scanned by another delivery; this one will be retried.");

    private async Task<ScanPolicy> ReadPolicyOrDefaultAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _policies.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ScanPolicyUnavailableException ex)
        {
            // An Unknown row must still be published; exemptions do not change an Unknown cluster's status.
            LogPolicyUnavailable(ex, ex.Message);
            return new ScanPolicy(_options.Profile, []);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The error of cluster {ClusterName} in scan {ScanId} could not be recorded")]
    private partial void LogErrorNotRecorded(Exception exception, string clusterName, string scanId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterName} of scan {ScanId} was already published at {CompletedAt}; this delivery does nothing")]
    private partial void LogAlreadyPublished(string clusterName, string scanId, DateTimeOffset completedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName} of scan {ScanId} cannot be read until a permission is granted; published Unknown without retrying: {Reason}")]
    private partial void LogPermanentlyUnreadable(string clusterName, string scanId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName} of scan {ScanId} could not be read on delivery {DequeueCount}: {Reason}")]
    private partial void LogUnreadable(string clusterName, string scanId, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterName} of scan {ScanId} published as {Status}: {RowsSent} rows")]
    private partial void LogPublished(string clusterName, string scanId, ClusterScanStatus status, int rowsSent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName} of scan {ScanId}: {RowsFailed} rows were not accepted and are kept at {DeadLetterLocation} for replay")]
    private partial void LogDeadLettered(string clusterName, string scanId, int rowsFailed, string deadLetterLocation);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cluster {ClusterName} of scan {ScanId} reached the poison queue and is published as Unknown: {Reason}")]
    private partial void LogGaveUp(string clusterName, string scanId, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A poison scan message cannot be read and is dropped: {Reason}")]
    private partial void LogUnreadableMessage(Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exemptions unavailable while publishing an Unknown cluster: {Reason}")]
    private partial void LogPolicyUnavailable(Exception exception, string reason);
}

/// <summary>What one delivery did.</summary>
public enum ClusterScanOutcome
{
    Published = 0,
    AlreadyPublished = 1,
    PublishedUnknown = 2,
    Discarded = 3,
}

/// <summary>The cluster could not be read on this delivery; the queue retries it.</summary>
public sealed class ClusterUnreadableException : Exception
{
    public ClusterUnreadableException()
    {
    }

    public ClusterUnreadableException(string message)
        : base(message)
    {
    }

    public ClusterUnreadableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClusterUnreadableException(string clusterName, long dequeueCount, string reason)
        : base($"Cluster {clusterName} could not be read (delivery {dequeueCount} of {ScanStorageNames.MaxDequeueCount}): {reason}")
    {
    }
}

/// <summary>Some rows were not accepted by Log Analytics; the queue retries the cluster.</summary>
public sealed class PublishIncompleteException : Exception
{
    public PublishIncompleteException()
    {
    }

    public PublishIncompleteException(string message)
        : base(message)
    {
    }

    public PublishIncompleteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Another delivery of the same cluster holds its lock; the queue retries this one later.</summary>
public sealed class ClusterScanBusyException : Exception
{
    public ClusterScanBusyException()
    {
    }

    public ClusterScanBusyException(string message)
        : base(message)
    {
    }

    public ClusterScanBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
