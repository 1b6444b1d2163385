using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Publishes assessments to Log Analytics through the Logs Ingestion API. Rows that fail after retries go to the
/// dead-letter store and are re-sent by the next run (<see cref="ReplayDeadLettersAsync"/>, also done once, lazily,
/// before the first publish of this instance). Nothing is lost; an accepted row is never sent again within a run.
/// </summary>
public sealed partial class LogAnalyticsPublisher : IAssessmentPublisher, IDisposable
{
    private readonly LogsIngestionClient _client;
    private readonly IDeadLetterStore _deadLetters;
    private readonly LogAnalyticsStreamNames _streams;
    private readonly ILogger<LogAnalyticsPublisher> _logger;
    private readonly SemaphoreSlim _replayGate = new(1, 1);
    private bool _replayed;

    public LogAnalyticsPublisher(
        LogsIngestionClient client,
        IDeadLetterStore deadLetters,
        ILogger<LogAnalyticsPublisher> logger,
        LogAnalyticsStreamNames? streams = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _deadLetters = deadLetters;
        _logger = logger;
        _streams = streams ?? new LogAnalyticsStreamNames();
    }

    /// <summary>Where failed rows are kept.</summary>
    public string DeadLetterLocation => _deadLetters.Location;

    /// <summary>The result of the dead-letter replay this instance ran, once it ran.</summary>
    public DeadLetterReplayResult? LastReplay { get; private set; }

    public async Task<PublishResult> PublishAsync(ScanContext scan, ClusterAssessment assessment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(assessment);
        await EnsureReplayedAsync(cancellationToken).ConfigureAwait(false);

        var rows = AssessmentRowMapper.Map(scan, assessment);
        var sent = 0;
        var failed = 0;
        var tables = RowSerializer.Serialize(rows).Where(t => t.Rows.Count > 0).ToList();
        for (var i = 0; i < tables.Count; i++)
        {
            try
            {
                var result = await _client.UploadAsync(_streams.For(tables[i].Table), tables[i].Rows, cancellationToken).ConfigureAwait(false);
                sent += result.RowsSent;
                failed += await KeepFailuresAsync(result.Failures, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped mid-upload: every row not yet acknowledged is kept for the next run. The batch in flight may
                // have been accepted too; its rows carry deterministic RowIds, so a re-send is de-duplicated in KQL.
                for (var j = i; j < tables.Count; j++)
                {
                    await _deadLetters.WriteAsync(_streams.For(tables[j].Table), tables[j].Rows, CancellationToken.None).ConfigureAwait(false);
                    failed += tables[j].Rows.Count;
                }

                LogPublishInterrupted(assessment.Cluster.Name, failed, _deadLetters.Location);
                return new PublishResult(sent, failed, _deadLetters.Location);
            }
        }

        if (failed > 0)
        {
            LogPublishFailed(assessment.Cluster.Name, failed, _deadLetters.Location);
        }

        return new PublishResult(sent, failed, failed > 0 ? _deadLetters.Location : null);
    }

    /// <summary>
    /// Re-sends every pending dead-letter entry. Rows that fail again are kept in a new entry before the old one is
    /// removed, so a replay never loses rows.
    /// </summary>
    public async Task<DeadLetterReplayResult> ReplayDeadLettersAsync(CancellationToken cancellationToken)
    {
        var entries = 0;
        var sent = 0;
        var failed = 0;
        await foreach (var entry in _deadLetters.ClaimPendingAsync(cancellationToken).ConfigureAwait(false))
        {
            entries++;
            var result = await _client.UploadAsync(entry.StreamName, entry.Rows, cancellationToken).ConfigureAwait(false);
            sent += result.RowsSent;
            failed += await KeepFailuresAsync(result.Failures, cancellationToken).ConfigureAwait(false);
            await _deadLetters.CompleteAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        var replay = new DeadLetterReplayResult(entries, sent, failed, _deadLetters.Location);
        if (entries > 0)
        {
            LogReplayed(entries, sent, failed, _deadLetters.Location);
        }

        LastReplay = replay;
        return replay;
    }

    public void Dispose() => _replayGate.Dispose();

    private async Task EnsureReplayedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _replayed))
        {
            return;
        }

        await _replayGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_replayed)
            {
                await ReplayDeadLettersAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _replayed, true);
            }
        }
        finally
        {
            _replayGate.Release();
        }
    }

    private async Task<int> KeepFailuresAsync(IReadOnlyList<FailedBatch> failures, CancellationToken cancellationToken)
    {
        var rows = 0;
        foreach (var failure in failures)
        {
            var where = await _deadLetters.WriteAsync(failure.StreamName, failure.Rows, cancellationToken).ConfigureAwait(false);
            LogBatchDeadLettered(failure.Error, failure.StreamName, failure.Rows.Count, failure.Status, where);
            rows += failure.Rows.Count;
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{RowCount} rows for stream {StreamName} failed with status {Status}; kept in {DeadLetterEntry}")]
    private partial void LogBatchDeadLettered(Exception exception, string streamName, int rowCount, int status, string deadLetterEntry);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing cluster {ClusterName}: {RowCount} rows not accepted after retries; kept in {DeadLetterLocation} for the next run")]
    private partial void LogPublishFailed(string clusterName, int rowCount, string deadLetterLocation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing cluster {ClusterName} was interrupted: {RowCount} rows not yet acknowledged are kept in {DeadLetterLocation} for the next run")]
    private partial void LogPublishInterrupted(string clusterName, int rowCount, string deadLetterLocation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {EntryCount} dead-letter entries from {DeadLetterLocation}: {RowsSent} rows sent, {RowsFailed} kept again")]
    private partial void LogReplayed(int entryCount, int rowsSent, int rowsFailed, string deadLetterLocation);
}

/// <summary>What a dead-letter replay did.</summary>
public sealed record DeadLetterReplayResult(int Entries, int RowsSent, int RowsFailed, string Location);
