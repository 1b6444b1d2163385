using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Cli.Publishing;

/// <summary>
/// <c>scan --publish</c>: every cluster's rows go to Log Analytics as it completes. Rows the service does not accept
/// after retries are kept in a local dead-letter folder and re-sent by the next <c>--publish</c> run (which starts by
/// replaying them); the scan then exits with <see cref="ExitCodes.PublishFailed"/> naming the folder.
/// </summary>
internal sealed class LogAnalyticsSink : IScanResultSink
{
    private readonly PublishOptions _options = new();
    private readonly ILogsIngestionClientFactory _clients;
    private readonly ILoggerFactory _loggerFactory;

    public LogAnalyticsSink(ILogsIngestionClientFactory clients, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clients = clients;
        _loggerFactory = loggerFactory;
    }

    public void AddOptions(Command command) => _options.AddTo(command);

    public Task<IScanResultSession?> OpenAsync(ParseResult parseResult, ScanContext scan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        if (!parseResult.GetValue(_options.Publish))
        {
            return Task.FromResult<IScanResultSession?>(null);
        }

        var settings = PublishSettings.Resolve(
            parseResult.GetValue(_options.Endpoint),
            parseResult.GetValue(_options.ImmutableId),
            parseResult.GetValue(_options.Audience),
            parseResult.GetValue(_options.DeadLetter),
            Environment.GetEnvironmentVariable);
        var client = _clients.Create(settings.Endpoint, settings.ImmutableId, settings.Audience);
        var publisher = new LogAnalyticsPublisher(
            client,
            new LocalFolderDeadLetterStore(settings.DeadLetterFolder),
            _loggerFactory.CreateLogger<LogAnalyticsPublisher>());
        return Task.FromResult<IScanResultSession?>(new Session(publisher, scan, settings));
    }

    private sealed class Session(LogAnalyticsPublisher publisher, ScanContext scan, PublishSettings settings) : IScanResultSession
    {
        private int _sent;
        private int _failed;
        private string? _lostError;

        public async Task OnClusterAsync(ClusterAssessment assessment, CancellationToken cancellationToken)
        {
            try
            {
                var result = await publisher.PublishAsync(scan, assessment, cancellationToken).ConfigureAwait(false);
                _sent += result.RowsSent;
                _failed += result.RowsFailed;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The dead-letter folder itself could not be written: say so, loudly, with the cause.
                _lostError ??= $"{settings.DeadLetterFolder}: cannot keep rows that failed to publish: {ex.Message}";
                _failed += 1;
            }
        }

        public async Task<SinkOutcome> CompleteAsync(CancellationToken cancellationToken)
        {
            var replay = publisher.LastReplay ?? await publisher.ReplayDeadLettersAsync(cancellationToken).ConfigureAwait(false);
            var replayed = replay.Entries == 0
                ? string.Empty
                : $"; re-sent {replay.RowsSent} rows kept by an earlier run";
            if (_lostError is not null)
            {
                return new SinkOutcome(false, "publishing failed: " + _lostError);
            }

            var failed = _failed + replay.RowsFailed;
            return failed == 0
                ? new SinkOutcome(true, $"published {_sent} rows to Log Analytics{replayed}")
                : new SinkOutcome(
                    false,
                    $"publishing failed after retries: {failed} rows were not accepted by {settings.Endpoint} and are kept in {settings.DeadLetterFolder}; "
                    + $"the next `netpolgov scan --publish` re-sends them ({_sent + replay.RowsSent} rows were published)");
        }

        public ValueTask DisposeAsync()
        {
            publisher.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
