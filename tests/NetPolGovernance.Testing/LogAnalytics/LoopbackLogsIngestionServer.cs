using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Testing.LogAnalytics;

/// <summary>
/// A Logs Ingestion API on loopback HTTPS (Kestrel, 127.0.0.1:0, a certificate from its own loopback CA) that enforces the
/// contract: <c>POST /dataCollectionRules/{immutableId}/streams/{stream}?api-version=2023-01-01</c>, a bearer token,
/// <c>Content-Encoding: gzip</c>, 413 over 1 MiB (compressed or not), a JSON array of objects whose properties are
/// columns of the stream's table with matching JSON kinds (400 otherwise), 204 on success. Faults (429 / 5xx with
/// <c>Retry-After</c>) can be injected. Accepted rows are kept per stream for assertions.
/// </summary>
public sealed class LoopbackLogsIngestionServer : IAsyncDisposable
{
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly WebApplication _app;
    private readonly LoopbackCertificateAuthority _authority;
    private readonly ConcurrentQueue<IngestionFault> _faults = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonElement>> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IngestionRequest> _requests = new();
    private readonly Dictionary<string, LogAnalyticsTable> _streams;
    private volatile int _failAlwaysStatus;

    private LoopbackLogsIngestionServer(WebApplication app, LoopbackCertificateAuthority authority, string immutableId, string token, IEnumerable<KeyValuePair<string, LogAnalyticsTable>> streams)
    {
        _app = app;
        _authority = authority;
        ImmutableId = immutableId;
        Token = token;
        _streams = new Dictionary<string, LogAnalyticsTable>(streams, StringComparer.Ordinal);
        Credential = new LoopbackTokenCredential(token);
    }

    public Uri Endpoint { get; private set; } = null!;

    public string ImmutableId { get; }

    /// <summary>The only bearer token the server accepts; <see cref="Credential"/> issues it.</summary>
    public string Token { get; }

    public LoopbackTokenCredential Credential { get; }

    /// <summary>The CA this server's certificate chains to, as PEM (for a process that trusts it through <c>SSL_CERT_FILE</c>).</summary>
    public string CaPem => _authority.CaPem;

    /// <summary>Every request seen, in arrival order, with the status it got.</summary>
    public IReadOnlyList<IngestionRequest> Requests => _requests.ToArray();

    /// <summary>
    /// Starts a server whose streams are the <c>Custom-&lt;Table&gt;</c> streams of <see cref="LogAnalyticsSchema"/>
    /// (or <paramref name="streams"/>: stream name → table whose columns it accepts).
    /// </summary>
    public static async Task<LoopbackLogsIngestionServer> StartAsync(
        CancellationToken cancellationToken,
        string immutableId = "dcr-00000000000000000000000000000001",
        IReadOnlyDictionary<string, LogAnalyticsTable>? streams = null)
    {
        var authority = LoopbackCertificateAuthority.Create("netpolgov-loopback-ingestion-ca");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 8 * MaxBodyBytes;
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(authority.ServerCertificate));
        });
        var app = builder.Build();
        var server = new LoopbackLogsIngestionServer(
            app,
            authority,
            immutableId,
            "loopback-token-" + Guid.NewGuid().ToString("N"),
            streams ?? LogAnalyticsSchema.Tables.ToDictionary(t => t.StreamName));
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>A transport whose TLS validation trusts only this server's CA.</summary>
    public HttpPipelineTransport CreateTransport() => new HttpClientTransport(_authority.CreateTrustingHandler());

    /// <summary>Client options wired to this server: its transport and short retry delays.</summary>
    public LogsIngestionClientOptions CreateClientOptions(int maxRetries = 5)
    {
        var options = new LogsIngestionClientOptions { Transport = CreateTransport() };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }

    /// <summary>A client for this server.</summary>
    public LogsIngestionClient CreateClient(int maxRetries = 5) =>
        new(Endpoint, ImmutableId, Credential, CreateClientOptions(maxRetries));

    /// <summary>Rows accepted on a stream, in arrival order.</summary>
    public IReadOnlyList<JsonElement> RowsFor(string streamName) =>
        _rows.TryGetValue(streamName, out var rows) ? rows.ToArray() : [];

    /// <summary>Rows accepted for a table (on its default stream <c>Custom-&lt;Table&gt;</c>).</summary>
    public IReadOnlyList<JsonElement> RowsFor(LogAnalyticsTable table) => RowsFor(table.StreamName);

    /// <summary>Every accepted row's <c>RowId</c>, across streams.</summary>
    public IReadOnlyList<string> AcceptedRowIds() =>
        _rows.Values.SelectMany(q => q).Select(r => r.TryGetProperty("RowId", out var id) ? id.GetString() ?? "" : "").ToArray();

    /// <summary>The next requests (that pass authentication) get these faults, one each, in order.</summary>
    public void InjectFaults(params IngestionFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>When true, the error messages of <see cref="FailAlways"/> echo the request's Authorization header and a SAS URL (redaction tests).</summary>
    public bool EchoCredentials { get; set; }

    /// <summary>The SAS signature the echoing error messages carry.</summary>
    public const string EchoedSasSignature = "LoopbackSasSignature0123456789";

    /// <summary>Every request answers <paramref name="status"/> until <see cref="StopFailing"/>.</summary>
    public void FailAlways(int status) => _failAlwaysStatus = status;

    public void StopFailing() => _failAlwaysStatus = 0;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _authority.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var stream = string.Empty;
        var compressed = 0L;
        var uncompressed = 0L;
        var rowCount = 0;
        var status = 500;
        try
        {
            (status, stream, compressed, uncompressed, rowCount) = await ProcessAsync(context).ConfigureAwait(false);
        }
        finally
        {
            _requests.Enqueue(new IngestionRequest(stream, status, compressed, uncompressed, rowCount, context.Request.Headers["x-ms-client-request-id"].ToString()));
        }
    }

    private async Task<(int Status, string Stream, long Compressed, long Uncompressed, int Rows)> ProcessAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (request.Method != HttpMethods.Post || segments.Length != 4 || segments[0] != "dataCollectionRules" || segments[2] != "streams")
        {
            return (await ErrorAsync(context, 404, "NotFound", "No such operation.").ConfigureAwait(false), "", 0, 0, 0);
        }

        var stream = Uri.UnescapeDataString(segments[3]);
        if (request.Query["api-version"] != LogsIngestionClientOptions.ApiVersion)
        {
            return (await ErrorAsync(context, 400, "InvalidApiVersion", "api-version must be 2023-01-01.").ConfigureAwait(false), stream, 0, 0, 0);
        }

        if (request.Headers.Authorization != "Bearer " + Token)
        {
            return (await ErrorAsync(context, 401, "InvalidToken", "A valid bearer token is required.").ConfigureAwait(false), stream, 0, 0, 0);
        }

        if (Uri.UnescapeDataString(segments[1]) != ImmutableId)
        {
            return (await ErrorAsync(context, 404, "NotFound", $"Data collection rule with immutable Id '{segments[1]}' not found.").ConfigureAwait(false), stream, 0, 0, 0);
        }

        if (_failAlwaysStatus != 0)
        {
            var message = EchoCredentials
                ? $"Injected failure for request with Authorization: {context.Request.Headers.Authorization}; retry from https://loopback.blob.core.windows.net/rows?sv=2024-11-04&sig={EchoedSasSignature}"
                : "Injected failure.";
            return (await ErrorAsync(context, _failAlwaysStatus, "InjectedFailure", message).ConfigureAwait(false), stream, 0, 0, 0);
        }

        if (_faults.TryDequeue(out var fault))
        {
            if (fault.RetryAfter is { } wait)
            {
                context.Response.Headers["Retry-After"] = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return (await ErrorAsync(context, fault.Status, "InjectedFault", "Injected fault.").ConfigureAwait(false), stream, 0, 0, 0);
        }

        if (!_streams.TryGetValue(stream, out var table))
        {
            return (await ErrorAsync(context, 400, "InvalidStream", $"Stream '{stream}' is not declared in the data collection rule.").ConfigureAwait(false), stream, 0, 0, 0);
        }

        if (!string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase)
            || !request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            return (await ErrorAsync(context, 400, "InvalidContent", "This test endpoint requires Content-Type application/json and Content-Encoding gzip.").ConfigureAwait(false), stream, 0, 0, 0);
        }

        var compressedBody = await ReadLimitedAsync(request.Body, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (compressedBody is null)
        {
            return (await TooLargeAsync(context).ConfigureAwait(false), stream, MaxBodyBytes + 1, 0, 0);
        }

        byte[]? body;
        await using (var gzip = new GZipStream(new MemoryStream(compressedBody), CompressionMode.Decompress))
        {
            body = await ReadLimitedAsync(gzip, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        }

        if (body is null)
        {
            return (await TooLargeAsync(context).ConfigureAwait(false), stream, compressedBody.Length, MaxBodyBytes + 1, 0);
        }

        JsonElement array;
        try
        {
            array = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (await ErrorAsync(context, 400, "InvalidPayload", "Body is not JSON: " + ex.Message).ConfigureAwait(false), stream, compressedBody.Length, body.Length, 0);
        }

        var problem = Validate(array, table);
        if (problem is not null)
        {
            return (await ErrorAsync(context, 400, "InvalidPayload", problem).ConfigureAwait(false), stream, compressedBody.Length, body.Length, 0);
        }

        var accepted = _rows.GetOrAdd(stream, _ => new ConcurrentQueue<JsonElement>());
        foreach (var row in array.EnumerateArray())
        {
            accepted.Enqueue(row);
        }

        context.Response.StatusCode = 204;
        return (204, stream, compressedBody.Length, body.Length, array.GetArrayLength());
    }

    private static string? Validate(JsonElement array, LogAnalyticsTable table)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return "Body must be a JSON array of objects.";
        }

        var columns = table.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var index = 0;
        foreach (var row in array.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                return $"Element {index} is not an object.";
            }

            foreach (var property in row.EnumerateObject())
            {
                if (!columns.TryGetValue(property.Name, out var type))
                {
                    return $"Element {index}: column '{property.Name}' is not declared in {table.StreamName}.";
                }

                if (property.Value.ValueKind != JsonValueKind.Null && !Fits(type, property.Value))
                {
                    return $"Element {index}: column '{property.Name}' ({type}) cannot hold {property.Value.ValueKind}.";
                }
            }

            index++;
        }

        return null;
    }

    private static bool Fits(LogAnalyticsColumnType type, JsonElement value) => type switch
    {
        LogAnalyticsColumnType.String => value.ValueKind == JsonValueKind.String,
        LogAnalyticsColumnType.Int => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        LogAnalyticsColumnType.Long => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        LogAnalyticsColumnType.Real => value.ValueKind == JsonValueKind.Number,
        LogAnalyticsColumnType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        LogAnalyticsColumnType.DateTime => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
        LogAnalyticsColumnType.Dynamic => true,
        _ => false,
    };

    private static async Task<byte[]?> ReadLimitedAsync(Stream source, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task<int> TooLargeAsync(HttpContext context) =>
        ErrorAsync(context, 413, "ContentLengthLimitExceeded", "Maximum allowed content length: 1048576 bytes (1 MB).");

    private static async Task<int> ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, string>> { ["error"] = new() { ["code"] = code, ["message"] = message } }),
            context.RequestAborted).ConfigureAwait(false);
        return status;
    }
}

/// <summary>A fault the next request gets instead of being processed.</summary>
public sealed record IngestionFault(int Status, TimeSpan? RetryAfter = null);

/// <summary>One request the loopback server saw: stream, status it got, body sizes and the rows it carried.</summary>
public sealed record IngestionRequest(string Stream, int Status, long CompressedBytes, long UncompressedBytes, int RowCount, string ClientRequestId);

/// <summary>Issues the loopback server's token and records the scopes asked for.</summary>
public sealed class LoopbackTokenCredential(string token) : TokenCredential
{
    private readonly ConcurrentQueue<string> _scopes = new();

    public IReadOnlyList<string> RequestedScopes => _scopes.ToArray();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            _scopes.Enqueue(scope);
        }

        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
