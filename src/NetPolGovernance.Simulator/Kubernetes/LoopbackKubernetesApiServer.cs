using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// A loopback Kubernetes API server for tests and benchmarks: Kestrel on <c>https://127.0.0.1:{random port}</c>
/// with a CA generated at start, hosting any number of virtual clusters on the one listener. Each cluster lives
/// under <c>/clusters/{id}</c>, so its kubeconfig server URL is <c>https://127.0.0.1:port/clusters/{id}</c>
/// (KubernetesClient keeps a path in the server URL). See README.md in this folder.
/// </summary>
internal sealed class LoopbackKubernetesApiServer : IAsyncDisposable
{
    internal const string ClusterPathPrefix = "/clusters/";

    private readonly ConcurrentDictionary<string, VirtualCluster> _clusters = new(StringComparer.Ordinal);
    private readonly LoopbackCertificateAuthority _authority;
    private readonly WebApplication _app;

    private LoopbackKubernetesApiServer(LoopbackCertificateAuthority authority, WebApplication app, Uri baseAddress)
    {
        _authority = authority;
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary><c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The PEM of the CA that signed the server certificate (what kubeconfigs trust).</summary>
    public string CaPem => _authority.CaPem;

    public IReadOnlyCollection<VirtualCluster> Clusters => [.. _clusters.Values];

    /// <summary>Starts the listener. Dispose the server to stop it.</summary>
    public static async Task<LoopbackKubernetesApiServer> StartAsync(CancellationToken cancellationToken)
    {
        var authority = LoopbackCertificateAuthority.Create();
        // No configuration reload: it would watch every directory under the working directory (thousands in a repository).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(authority.ServerCertificate);
            });
        });
        var app = builder.Build();
        LoopbackKubernetesApiServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new LoopbackKubernetesApiServer(authority, app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>
    /// Adds a virtual cluster. <paramref name="objects"/> may be shared with other clusters when no test writes to it.
    /// The token defaults to a random one. Ids must be URL path segments (letters, digits, '-', '_', '.').
    /// </summary>
    public VirtualCluster AddCluster(string id, KubeObjectStore? objects = null, string? token = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (!id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"cluster id '{id}' must contain only letters, digits, '-', '_' and '.'", nameof(id));
        }

        var cluster = new VirtualCluster(
            id,
            new Uri(BaseAddress, ClusterPathPrefix.TrimStart('/') + id),
            _authority.CaPem,
            token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(),
            objects ?? new KubeObjectStore(id));
        if (!_clusters.TryAdd(id, cluster))
        {
            throw new ArgumentException($"a cluster with id '{id}' already exists", nameof(id));
        }

        return cluster;
    }

    public VirtualCluster this[string id] => _clusters[id];

    public bool RemoveCluster(string id) => _clusters.TryRemove(id, out _);

    /// <summary>
    /// A kubeconfig with one context per cluster, named after the cluster ids (all clusters of this server, by id,
    /// when none are given). The current context defaults to the first.
    /// </summary>
    public string Kubeconfig(IEnumerable<VirtualCluster>? clusters = null, string? currentContext = null) =>
        KubeconfigBuilder.Build(
            (clusters ?? _clusters.Values.OrderBy(c => c.Id, StringComparer.Ordinal)).Select(cluster => cluster.ToKubeconfigContext()),
            currentContext);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _authority.Dispose();
    }

    private Task HandleAsync(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(ClusterPathPrefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        var rest = path[ClusterPathPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var id = slash < 0 ? rest : rest[..slash];
        if (!_clusters.TryGetValue(id, out var cluster))
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        return KubeApiHandler.HandleAsync(cluster, context, slash < 0 ? "/" : rest[slash..]);
    }
}
