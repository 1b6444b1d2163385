using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>
/// A plain-http Kestrel listener on loopback that answers every request with an empty Kubernetes list and records
/// what it received, so a test can prove that nothing (and in particular no Authorization header) reached it.
/// </summary>
internal sealed class PlainHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlainHttpServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Every request received: its path and its Authorization header (null when there was none).</summary>
    public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

    public static async Task<PlainHttpServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        PlainHttpServer? server = null;
        app.Run(async context =>
        {
            server!.Requests.Enqueue((context.Request.Path.Value ?? string.Empty, context.Request.Headers.Authorization.FirstOrDefault()));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"kind":"List","apiVersion":"v1","metadata":{},"items":[]}""", context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new PlainHttpServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
