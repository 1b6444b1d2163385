using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using NetPolGovernance.Connectors.Kubernetes.Transport;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// A Logs Ingestion API client on Azure.Core (the <c>Azure.Monitor.Ingestion</c> package is not available to us),
/// shaped like the SDK's: rows are packed into ≤ 1 MiB JSON arrays (uncompressed), gzip-compressed, sent with at
/// most <see cref="LogsIngestionClientOptions.MaxConcurrency"/> batches in flight. The pipeline retries 429/5xx
/// honouring <c>Retry-After</c>; a 413 splits the batch and retries the halves. A batch that still fails is
/// returned with the rows it carried, never dropped. An accepted batch is never sent again.
/// </summary>
public sealed class LogsIngestionClient
{
    private readonly Uri _endpoint;
    private readonly string _ruleId;
    private readonly HttpPipeline _pipeline;
    private readonly LogsIngestionClientOptions _options;

    /// <param name="endpoint">The DCR's <c>logsIngestion</c> endpoint (or a DCE's).</param>
    /// <param name="ruleId">The DCR immutable id (<c>dcr-…</c>), not its ARM id.</param>
    /// <param name="credential">A managed identity / developer credential with Monitoring Metrics Publisher on the DCR.</param>
    /// <param name="options">Retry, audience, concurrency and transport options.</param>
    public LogsIngestionClient(Uri endpoint, string ruleId, TokenCredential credential, LogsIngestionClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        ArgumentNullException.ThrowIfNull(credential);
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The Logs Ingestion endpoint must be https, got '{endpoint}'.", nameof(endpoint));
        }

        _options = options ?? new LogsIngestionClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxBodyBytes, RowBatcher.MaxBodyBytes, nameof(options));
        _endpoint = endpoint;
        _ruleId = ruleId;
        _pipeline = HttpPipelineBuilder.Build(
            _options,
            perCallPolicies: [],
            perRetryPolicies: [new BearerTokenAuthenticationPolicy(credential, _options.Audience.Scope)],
            new ResponseClassifier());
    }

    public Uri Endpoint => _endpoint;

    public string RuleId => _ruleId;

    /// <summary>Uploads serialized rows (UTF-8 JSON objects) to one stream. Never throws for service failures.</summary>
    public async Task<UploadResult> UploadAsync(string streamName, IEnumerable<byte[]> rows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamName);
        ArgumentNullException.ThrowIfNull(rows);

        var sent = 0;
        var failures = new List<FailedBatch>();
        await Parallel.ForEachAsync(
            RowBatcher.Batch(rows, _options.MaxBodyBytes),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                var outcome = await SendWithSplitAsync(streamName, batch, token).ConfigureAwait(false);
                Interlocked.Add(ref sent, outcome.Sent);
                if (outcome.Failures.Count > 0)
                {
                    lock (failures)
                    {
                        failures.AddRange(outcome.Failures);
                    }
                }
            }).ConfigureAwait(false);

        return new UploadResult(streamName, sent, failures);
    }

    private async Task<BatchOutcome> SendWithSplitAsync(string streamName, RowBatch batch, CancellationToken cancellationToken)
    {
        var (status, error) = await SendAsync(streamName, batch, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            return new BatchOutcome(batch.Rows.Count, []);
        }

        if (status == 413 && batch.Rows.Count > 1)
        {
            var (first, second) = batch.Split();
            var a = await SendWithSplitAsync(streamName, first, cancellationToken).ConfigureAwait(false);
            var b = await SendWithSplitAsync(streamName, second, cancellationToken).ConfigureAwait(false);
            return new BatchOutcome(a.Sent + b.Sent, [.. a.Failures, .. b.Failures]);
        }

        return new BatchOutcome(0, [new FailedBatch(streamName, batch.Rows, status, error)]);
    }

    private async Task<(int Status, Exception? Error)> SendAsync(string streamName, RowBatch batch, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath("/dataCollectionRules/", escape: false);
        request.Uri.AppendPath(_ruleId, escape: true);
        request.Uri.AppendPath("/streams/", escape: false);
        request.Uri.AppendPath(streamName, escape: true);
        request.Uri.AppendQuery("api-version", LogsIngestionClientOptions.ApiVersion, escapeValue: true);
        request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
        request.Headers.Add("Content-Encoding", "gzip");
        request.Content = RequestContent.Create(batch.ToGzipJson());

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            // Transport failure after the pipeline's retries (no response).
            return (ex.Status, ex);
        }
        catch (AuthenticationFailedException ex)
        {
            return (0, ex);
        }

        var response = message.Response;
        return response.Status is >= 200 and < 300
            ? (response.Status, null)
            : (response.Status, Redacted(response, message.Request));
    }

    /// <summary>
    /// The failure of a response, told by its status, error code and the first line of its message with credentials
    /// removed (the endpoint may echo the request, Authorization header included); the raw body is not kept, not
    /// even as an inner exception, because logs print those.
    /// </summary>
    private static RequestFailedException Redacted(Response response, Request request)
    {
        var token = request.Headers.TryGetValue(HttpHeader.Names.Authorization, out var authorization)
                    && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
        var original = new RequestFailedException(response);
        var line = CredentialRedaction.Redact(Azure.ArmErrors.Describe(original), token) ?? string.Empty;
        var code = original.ErrorCode is null ? null : CredentialRedaction.Redact(original.ErrorCode, token);
        return new RequestFailedException(response.Status, $"Logs Ingestion answered {line}", code, null);
    }

    private sealed record BatchOutcome(int Sent, IReadOnlyList<FailedBatch> Failures);
}
