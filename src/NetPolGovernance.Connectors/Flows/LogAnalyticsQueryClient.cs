using System.Globalization;
using System.Text.Json;
using System.Xml;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// A Log Analytics query API client on Azure.Core, shaped like the SDK's <c>LogsQueryClient</c>: a resource-centric
/// query (<c>POST {endpoint}/v1{resourceId}/query</c>, no workspace id needed, the caller's read access on the
/// resource decides) or a workspace query (<c>POST {endpoint}/v1/workspaces/{id}/query</c>), with the window as the
/// body's ISO 8601 <c>timespan</c>. HTTPS only; TLS is always verified. An answer larger than
/// <see cref="LogAnalyticsQueryClientOptions.MaxResponseBytes"/>, an error, or a partial result is a
/// <see cref="LogAnalyticsQueryException"/>: a partial answer is never read as complete.
/// </summary>
public sealed class LogAnalyticsQueryClient
{
    private readonly HttpPipeline _pipeline;
    private readonly LogAnalyticsQueryClientOptions _options;

    /// <summary>The query API this client calls.</summary>
    public Uri Endpoint => _options.Endpoint;

    /// <summary>The token scope it asks for.</summary>
    public string Scope => _options.Scope;

    public LogAnalyticsQueryClient(TokenCredential credential, LogAnalyticsQueryClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _options = options ?? new LogAnalyticsQueryClientOptions();
        if (_options.Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The Log Analytics query endpoint must be https, got '{_options.Endpoint}'.", nameof(options));
        }

        _pipeline = HttpPipelineBuilder.Build(
            _options,
            perCallPolicies: [],
            perRetryPolicies: [new BearerTokenAuthenticationPolicy(credential, _options.Scope)],
            new ResponseClassifier());
    }

    /// <summary>Runs <paramref name="query"/> on the resource (e.g. an AKS cluster's ARM id) over the last <paramref name="window"/>.</summary>
    public Task<QueryResultTable> QueryResourceAsync(string resourceId, string query, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceId);
        var path = resourceId.StartsWith('/') ? resourceId : "/" + resourceId;
        return QueryAsync($"v1{path}/query", query, window, cancellationToken);
    }

    /// <summary>Runs <paramref name="query"/> on a workspace (its customer id, a GUID) over the last <paramref name="window"/>.</summary>
    public Task<QueryResultTable> QueryWorkspaceAsync(string workspaceId, string query, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceId);
        return QueryAsync($"v1/workspaces/{Uri.EscapeDataString(workspaceId)}/query", query, window, cancellationToken);
    }

    private async Task<QueryResultTable> QueryAsync(string relative, string query, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        using var message = _pipeline.CreateMessage();
        message.BufferResponse = false;
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(new Uri(_options.Endpoint, relative));
        request.Headers.Add("Content-Type", "application/json");
        request.Headers.Add("Prefer", "wait=180");
        request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["query"] = query,
            ["timespan"] = XmlConvert.ToString(window),
        }));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw new LogAnalyticsQueryException(response.Status, ErrorText(body) ?? $"the query API answered {response.Status.ToString(CultureInfo.InvariantCulture)}");
        }

        return QueryResultTable.Parse(body);
    }

    private async Task<byte[]> ReadBoundedAsync(Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is not { } stream)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                throw new LogAnalyticsQueryException(response.Status, string.Create(CultureInfo.InvariantCulture, $"the answer is larger than {_options.MaxResponseBytes / (1024 * 1024)} MiB; shorten --since"));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary><c>error.message</c> (and the innermost <c>innererror.message</c>) of an error body, when it has one.</summary>
    internal static string? ErrorText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            var text = error.TryGetProperty("message", out var message) ? message.GetString() : null;
            var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
            var inner = error;
            var depth = 0;
            while (inner.TryGetProperty("innererror", out var next) && depth < 16)
            {
                inner = next;
                depth++;
            }

            var detail = depth > 0 && inner.TryGetProperty("message", out var innerMessage) ? innerMessage.GetString() : null;
            return string.Join(": ", new[] { code, text, detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Where the query API lives, the token scope, and how large an answer may be.</summary>
public sealed class LogAnalyticsQueryClientOptions : ClientOptions
{
    public LogAnalyticsQueryClientOptions()
    {
        Retry.MaxRetries = 3;
        Retry.NetworkTimeout = TimeSpan.FromMinutes(4);
    }

    /// <summary>The public cloud's query endpoint; <c>https://api.loganalytics.us/</c> in Azure Government.</summary>
    public Uri Endpoint { get; set; } = new("https://api.loganalytics.io/");

    public string Scope { get; set; } = "https://api.loganalytics.io/.default";

    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Options for <paramref name="endpoint"/>: the token scope is its origin plus <c>/.default</c>.</summary>
    public static LogAnalyticsQueryClientOptions For(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The Log Analytics query endpoint must be an absolute https URL; got '{endpoint}'.", nameof(endpoint));
        }

        return new LogAnalyticsQueryClientOptions { Endpoint = endpoint, Scope = endpoint.GetLeftPart(UriPartial.Authority) + "/.default" };
    }

    /// <summary>
    /// Options for the query API of <paramref name="cloud"/>; a custom cloud has no known query endpoint, so one must
    /// be given (<paramref name="endpoint"/>), else <see cref="ArgumentException"/> naming <paramref name="source"/>.
    /// </summary>
    public static LogAnalyticsQueryClientOptions ForCloud(Azure.AzureCloudEnvironment cloud, Uri? endpoint = null, string source = "--flows-endpoint")
    {
        ArgumentNullException.ThrowIfNull(cloud);
        return For(endpoint ?? cloud.LogAnalyticsQueryEndpoint
            ?? throw new ArgumentException($"the cloud is custom ({cloud.ArmEndpoint}): its Log Analytics query endpoint is not known; give {source}"));
    }
}

/// <summary>The query API refused the query, answered in part, or answered too much.</summary>
public sealed class LogAnalyticsQueryException : Exception
{
    public LogAnalyticsQueryException()
    {
    }

    public LogAnalyticsQueryException(string message)
        : base(message)
    {
    }

    public LogAnalyticsQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LogAnalyticsQueryException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public int Status { get; }
}
