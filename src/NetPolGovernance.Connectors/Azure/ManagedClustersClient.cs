using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// <c>Microsoft.ContainerService/managedClusters</c> (api-version 2025-10-01) through the raw ARM pipeline (the
/// ContainerService SDK is not available to us): list per subscription (<c>nextLink</c> paging),
/// <c>listClusterUserCredential</c>, and <c>runCommand</c> (202 + Location, polled honouring Retry-After).
/// </summary>
public class ManagedClustersClient
{
    public const string ApiVersion = "2025-10-01";

    private readonly ArmRequestSender _sender;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _runCommandTimeout;

    public ManagedClustersClient(TokenCredential credential, AzureManagementClientOptions? options = null)
        : this(new ArmRequestSender(credential, options ??= new AzureManagementClientOptions()), options, TimeProvider.System)
    {
    }

    internal ManagedClustersClient(ArmRequestSender sender, AzureManagementClientOptions options, TimeProvider timeProvider)
    {
        _sender = sender;
        _timeProvider = timeProvider;
        _pollInterval = options.RunCommandPollInterval;
        _runCommandTimeout = options.RunCommandTimeout;
    }

    /// <summary>For mocking.</summary>
    protected ManagedClustersClient()
    {
        _sender = null!;
        _timeProvider = TimeProvider.System;
    }

    public virtual int Calls => _sender.Calls;

    public virtual AsyncPageable<ManagedCluster> GetManagedClustersAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionId);
        var first = $"subscriptions/{Uri.EscapeDataString(subscriptionId)}/providers/Microsoft.ContainerService/managedClusters?api-version={ApiVersion}";
        return new DelegatingAsyncPageable<ManagedCluster>(
            (link, ct) => ArmPaging.GetPageAsync(_sender, link ?? first, ManagedCluster.FromJson, ct),
            cancellationToken);
    }

    /// <summary>
    /// The cluster's AKS managed namespaces (<c>GET {cluster}/managedNamespaces?api-version=2025-10-01</c>,
    /// <c>nextLink</c> paging): name, <c>defaultNetworkPolicy</c> and tags.
    /// </summary>
    public virtual async Task<IReadOnlyList<AksManagedNamespace>> ListManagedNamespacesAsync(string clusterResourceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterResourceId);
        var first = $"{clusterResourceId.TrimStart('/')}/managedNamespaces?api-version={ApiVersion}";
        var namespaces = new List<AksManagedNamespace>();
        var pages = new DelegatingAsyncPageable<AksManagedNamespace>(
            (link, ct) => ArmPaging.GetPageAsync(_sender, link ?? first, ManagedNamespaceFromJson, ct),
            cancellationToken);
        await foreach (var ns in pages.ConfigureAwait(false))
        {
            namespaces.Add(ns);
        }

        return namespaces;
    }

    private static AksManagedNamespace? ManagedNamespaceFromJson(JsonElement item)
    {
        if (Json.String(item, "name") is not { Length: > 0 } name)
        {
            return null;
        }

        var properties = Json.Object(item, "properties") ?? default;
        var policy = Json.Object(properties, "defaultNetworkPolicy") ?? default;
        return new AksManagedNamespace
        {
            Name = name,
            ResourceId = Json.String(item, "id"),
            DefaultIngress = Json.String(policy, "ingress"),
            DefaultEgress = Json.String(policy, "egress"),
            Tags = ManagedCluster.ReadTags(item),
            ProvisioningState = Json.String(properties, "provisioningState"),
        };
    }

    /// <summary>
    /// The cluster-user kubeconfigs. <paramref name="exec"/> asks for <c>format=exec</c> (Entra clusters: an exec user,
    /// no secret). The kubeconfig bytes may hold a credential: keep them in memory, never log them.
    /// </summary>
    public virtual async Task<Response<IReadOnlyList<ClusterCredential>>> ListClusterUserCredentialAsync(
        string clusterResourceId,
        bool exec,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterResourceId);
        var path = $"{clusterResourceId.TrimStart('/')}/listClusterUserCredential?api-version={ApiVersion}" + (exec ? "&format=exec" : string.Empty);
        var result = await _sender.SendAsync(RequestMethod.Post, _sender.Resolve(path), body: null, cancellationToken).ConfigureAwait(false);
        using var document = result.ParseJson();
        var credentials = new List<ClusterCredential>();
        if (document.RootElement.TryGetProperty("kubeconfigs", out var kubeconfigs) && kubeconfigs.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in kubeconfigs.EnumerateArray())
            {
                if (item.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes))
                {
                    credentials.Add(new ClusterCredential(Json.String(item, "name") ?? "clusterUser", bytes));
                }
            }
        }

        return Response.FromValue<IReadOnlyList<ClusterCredential>>(credentials, result.Response);
    }

    /// <summary>
    /// Runs <paramref name="request"/> in the cluster and waits for the result: POST runCommand, then GET the
    /// <c>Location</c> (the last one sent: a poll answer without it keeps polling the same URL) until it answers 200, waiting Retry-After (or the poll interval) between polls.
    /// Throws <see cref="TimeoutException"/> when no result arrives within the configured timeout.
    /// </summary>
    public virtual async Task<Response<RunCommandResult>> RunCommandAsync(
        string clusterResourceId,
        RunCommandRequest request,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterResourceId);
        ArgumentNullException.ThrowIfNull(request);
        var started = _timeProvider.GetTimestamp();
        var path = $"{clusterResourceId.TrimStart('/')}/runCommand?api-version={ApiVersion}";
        var result = await _sender.SendAsync(RequestMethod.Post, _sender.Resolve(path), request.ToBody(), cancellationToken).ConfigureAwait(false);
        var polls = 0;
        string? location = null;
        while (result.Status == 202)
        {
            // A poll answer without Location keeps the last one, as the SDK's pollers do; only the first 202 must name it.
            if (result.Response.Headers.TryGetValue("Location", out var next) && !string.IsNullOrEmpty(next))
            {
                location = next;
            }
            else if (location is null)
            {
                throw new RequestFailedException(result.Status, "runCommand answered 202 without a Location header to poll.");
            }

            if (_timeProvider.GetElapsedTime(started) > _runCommandTimeout)
            {
                throw new TimeoutException(
                    $"runCommand produced no result within {_runCommandTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s.");
            }

            await Task.Delay(PollDelay(result.Response), _timeProvider, cancellationToken).ConfigureAwait(false);
            result = await _sender.SendAsync(RequestMethod.Get, _sender.ResolveServiceLink(location), body: null, cancellationToken).ConfigureAwait(false);
            polls++;
        }

        using var document = result.ParseJson();
        return Response.FromValue(RunCommandResult.FromJson(document.RootElement) with { Polls = polls }, result.Response);
    }

    private TimeSpan PollDelay(Response response)
    {
        if (response.Headers.TryGetValue("Retry-After", out var value)
            && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0)
        {
            var hinted = TimeSpan.FromSeconds(seconds);
            return hinted > _pollInterval ? hinted : _pollInterval;
        }

        return _pollInterval;
    }
}

/// <summary>One kubeconfig from <c>listClusterUserCredential</c>: YAML bytes, possibly holding a secret.</summary>
public sealed class ClusterCredential(string name, byte[] kubeconfig)
{
    public string Name { get; } = name;

    /// <summary>The decoded kubeconfig YAML. Sensitive: held in memory only.</summary>
    public ReadOnlyMemory<byte> Kubeconfig { get; } = kubeconfig;

    /// <summary>Never prints the kubeconfig.</summary>
    public override string ToString() => $"ClusterCredential {Name} ({Kubeconfig.Length} bytes)";
}

/// <summary>The runCommand request. <see cref="ClusterToken"/> is the AKS Entra token for Entra clusters (sensitive).</summary>
public sealed class RunCommandRequest(string command)
{
    public string Command { get; } = command;

    public string? ClusterToken { get; init; }

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"RunCommandRequest ({Command.Length} chars, token {(ClusterToken is null ? "absent" : "present")})";

    internal BinaryData ToBody()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("command", Command);
            if (ClusterToken is not null)
            {
                writer.WriteString("clusterToken", ClusterToken);
            }

            writer.WriteEndObject();
        }

        return new BinaryData(buffer.ToArray());
    }
}

/// <summary>A runCommand result. <see cref="ProvisioningState"/> is as written (<c>succeeded</c>, <c>failed</c>, ...).</summary>
public sealed record RunCommandResult
{
    public string? Id { get; init; }

    public string? ProvisioningState { get; init; }

    public int? ExitCode { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string Logs { get; init; } = string.Empty;

    public string? Reason { get; init; }

    /// <summary>Result polls (GETs of the Location) it took; the POST is not counted.</summary>
    public int Polls { get; init; }

    public bool Succeeded => string.Equals(ProvisioningState, "succeeded", StringComparison.OrdinalIgnoreCase);

    internal static RunCommandResult FromJson(JsonElement root)
    {
        var properties = Json.Object(root, "properties") ?? default;
        int? exitCode = properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("exitCode", out var code) && code.TryGetInt32(out var parsed)
            ? parsed
            : null;
        return new RunCommandResult
        {
            Id = Json.String(root, "id"),
            ProvisioningState = Json.String(properties, "provisioningState"),
            ExitCode = exitCode,
            StartedAt = ParseTime(Json.String(properties, "startedAt")),
            FinishedAt = ParseTime(Json.String(properties, "finishedAt")),
            Logs = Json.String(properties, "logs") ?? string.Empty,
            Reason = Json.String(properties, "reason"),
        };
    }

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
