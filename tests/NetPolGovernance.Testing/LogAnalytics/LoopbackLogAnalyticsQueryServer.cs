using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Testing.LogAnalytics;

/// <summary>
/// A loopback HTTPS Log Analytics query API (<c>POST /v1/{resourceId}/query</c>, <c>POST /v1/workspaces/{id}/query</c>)
/// speaking the REST contract's envelope: it checks the bearer token, records each request's path and body, and
/// answers with the configured body and status (a <c>tables</c> answer, an error, a partial result).
/// </summary>
public sealed class LoopbackLogAnalyticsQueryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LoopbackCertificateAuthority _authority;
    private readonly ConcurrentQueue<QueryRequest> _requests = new();

    private LoopbackLogAnalyticsQueryServer(WebApplication app, LoopbackCertificateAuthority authority, string token)
    {
        _app = app;
        _authority = authority;
        Credential = new LoopbackTokenCredential(token);
        Token = token;
    }

    public Uri Endpoint { get; private set; } = null!;

    public string Token { get; }

    public LoopbackTokenCredential Credential { get; }

    /// <summary>The answer's body (UTF-8 JSON) and status; an empty <c>tables</c> answer by default.</summary>
    public string ResponseBody { get; set; } = """{"tables":[{"name":"PrimaryResult","columns":[],"rows":[]}]}""";

    public int ResponseStatus { get; set; } = 200;

    public IReadOnlyList<QueryRequest> Requests => _requests.ToArray();

    public static async Task<LoopbackLogAnalyticsQueryServer> StartAsync(CancellationToken cancellationToken)
    {
        var authority = LoopbackCertificateAuthority.Create("netpolgov-loopback-query-ca");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(authority.ServerCertificate)));
        var app = builder.Build();
        var server = new LoopbackLogAnalyticsQueryServer(app, authority, "loopback-query-token-" + Guid.NewGuid().ToString("N"));
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    public HttpPipelineTransport CreateTransport() => new HttpClientTransport(_authority.CreateTrustingHandler());

    public LogAnalyticsQueryClient CreateClient()
    {
        var options = new LogAnalyticsQueryClientOptions { Endpoint = Endpoint, Scope = "https://api.loganalytics.io/.default", Transport = CreateTransport() };
        options.Retry.MaxRetries = 0;
        return new LogAnalyticsQueryClient(Credential, options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _authority.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!HttpMethods.IsPost(context.Request.Method) || !path.StartsWith("/v1/", StringComparison.Ordinal) || !path.EndsWith("/query", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (!string.Equals(context.Request.Headers.Authorization.ToString(), "Bearer " + Token, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"error":{"code":"AuthorizationRequiredError","message":"Valid authentication was not provided"}}""", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        _requests.Enqueue(new QueryRequest(
            path,
            body.RootElement.GetProperty("query").GetString() ?? string.Empty,
            body.RootElement.TryGetProperty("timespan", out var timespan) ? timespan.GetString() : null));
        context.Response.StatusCode = ResponseStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(ResponseBody, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>One query the server received.</summary>
public sealed record QueryRequest(string Path, string Query, string? Timespan);
