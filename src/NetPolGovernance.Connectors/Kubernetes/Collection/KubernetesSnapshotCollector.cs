using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Connectors.Scanning;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>
/// Reads one live cluster into a <see cref="ClusterSnapshot"/> through the Kubernetes API, given a
/// <see cref="KubernetesClientConfiguration"/> (from a kubeconfig context, or built from AKS credentials: server,
/// CA, token provider). Never throws for cluster faults: 401/403 on a required list, TLS, DNS, connection failures,
/// timeouts and exhausted retries become Unknown <see cref="CollectionOutcome"/> with a reason a human can act on.
/// Cancellation of the caller's token still throws. Calls and bytes are counted into <see cref="CollectionStats"/>.
/// <para>Call budget: 1 discovery + namespaces + NetworkPolicies + pods + DaemonSets + one per served CRD policy kind,
/// plus one per extra page; +1 (<c>cilium-config</c>) when a Cilium DaemonSet runs; +1 when
/// <see cref="KubernetesCollectorOptions.DetectHostNetworkPods"/> is on; plus retries.</para>
/// </summary>
public sealed partial class KubernetesSnapshotCollector : IKubernetesClusterReader
{
    private readonly KubernetesCollectorOptions _options;
    private readonly ILogger<KubernetesSnapshotCollector> _logger;
    private readonly TimeProvider _timeProvider;

    public KubernetesSnapshotCollector(KubernetesCollectorOptions options, ILogger<KubernetesSnapshotCollector> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The options this collector reads with.</summary>
    public KubernetesCollectorOptions Options => _options;

    /// <summary>A collector with the same logger and clock that reads with <paramref name="options"/> (a command's bounds).</summary>
    public KubernetesSnapshotCollector WithOptions(KubernetesCollectorOptions options) =>
        options == _options ? this : new KubernetesSnapshotCollector(options, _logger, _timeProvider);

    /// <summary>Reads the cluster a kubeconfig context points at (access path <see cref="AccessPath.Kubeconfig"/>).</summary>
    public Task<CollectionOutcome> CollectAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken) =>
        CollectAsync(configuration, identity, AccessPath.Kubeconfig, cancellationToken);

    /// <summary>The AKS collector's seam: it builds the connection (server, CA, Entra token or local account) and
    /// sets the access path on the outcome itself.</summary>
    Task<CollectionOutcome> IKubernetesClusterReader.ReadAsync(
        KubernetesClientConfiguration configuration,
        ClusterIdentity identity,
        CancellationToken cancellationToken) =>
        CollectAsync(configuration, identity, AccessPath.Kubeconfig, cancellationToken);

    /// <summary>Reads the cluster; <paramref name="accessPath"/> says how the configuration was obtained (for the report).</summary>
    public async Task<CollectionOutcome> CollectAsync(
        KubernetesClientConfiguration configuration,
        ClusterIdentity identity,
        AccessPath accessPath,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(identity);
        var stopwatch = Stopwatch.StartNew();
        if (ClusterTransportPolicy.Refusal(configuration) is { } refusal)
        {
            LogUnknown(identity.Name, refusal);
            return CollectionOutcome.Unknown(refusal, accessPath, Stats(null, stopwatch), FailureKind.Network);
        }

        Uri? server = Uri.TryCreate(configuration.Host, UriKind.Absolute, out var host) ? host : null;
        KubeClient client;
        try
        {
            client = CreateClient(configuration);
        }
        catch (Exception ex) when (ex is KubeConfigException or FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            var reason = $"credentials: the client configuration could not be used: {ex.Message}";
            LogUnknown(identity.Name, reason);
            return CollectionOutcome.Unknown(reason, accessPath, Stats(null, stopwatch), FailureKind.Auth);
        }

        using (client)
        {
            var api = new KubernetesApiClient(client, _options, _timeProvider, _logger, identity.Name);
            try
            {
                // No deadline of its own: the caller's token carries the one per-cluster deadline (FleetScanOptions).
                LogCollecting(identity.Name);
                var snapshot = await new LiveClusterReader(api, identity, _options, _logger).ReadAsync(cancellationToken).ConfigureAwait(false);
                var stats = Stats(api, stopwatch);
                LogCollected(identity.Name, stats.ApiCalls, stats.BytesRead, stats.DurationMs);
                return CollectionOutcome.Read(snapshot, accessPath, stats);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && CollectionFailureReasons.TryClassify(ex, server) is { } failure)
            {
                LogUnknown(identity.Name, failure.Reason);
                return CollectionOutcome.Unknown(failure, accessPath, Stats(api, stopwatch));
            }
        }
    }

    private KubeClient CreateClient(KubernetesClientConfiguration configuration)
    {
        if (!_options.RequestCompression)
        {
            return new KubeClient(configuration);
        }

        var callerSetup = configuration.FirstMessageHandlerSetup;
        configuration.FirstMessageHandlerSetup = handler =>
        {
            callerSetup?.Invoke(handler);
            handler.AutomaticDecompression |= DecompressionMethods.GZip;
        };
        try
        {
            return new KubeClient(configuration);
        }
        finally
        {
            configuration.FirstMessageHandlerSetup = callerSetup;
        }
    }

    private static CollectionStats Stats(KubernetesApiClient? api, Stopwatch stopwatch) => new()
    {
        ApiCalls = api?.Calls ?? 0,
        BytesRead = api?.BytesRead ?? 0,
        DurationMs = stopwatch.ElapsedMilliseconds,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster {ClusterName}: collecting through the Kubernetes API")]
    private partial void LogCollecting(string clusterName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterName}: collected with {ApiCalls} calls, {BytesRead} bytes in {DurationMs} ms")]
    private partial void LogCollected(string clusterName, int apiCalls, long bytesRead, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName}: Unknown: {Reason}")]
    private partial void LogUnknown(string clusterName, string reason);
}
