using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Simulator.Azure;

/// <summary>
/// A loopback HTTPS ARM + Resource Graph server (Kestrel on 127.0.0.1:0) that serves an <see cref="AzureFleetDescription"/>
/// in the real wire format, its payloads built from the upstream examples in <c>Azure/Payloads</c>: Resource Graph
/// (skip-token paging, scopes, quota headers, 429), subscriptions, management-group descendants, managedClusters
/// lists (nextLink paging, 403 for forbidden subscriptions), listClusterUserCredential and runCommand (202 +
/// Location polling). It checks the bearer token on every request and counts every call.
/// </summary>
public sealed class AzureLoopbackServer : IAsyncDisposable
{
    private const string ClustersProvider = "providers/Microsoft.ContainerService/managedClusters";

    /// <summary>How much earlier than the quota window a returning client may come (timers and the wall clock drift apart).</summary>
    private static readonly TimeSpan ClockTolerance = TimeSpan.FromMilliseconds(20);

    private readonly WebApplication _app;
    private readonly AzureFleetDescription _fleet;
    private readonly Dictionary<string, SimulatedSubscription> _subscriptions;
    private readonly Dictionary<string, (SimulatedSubscription Subscription, SimulatedCluster Cluster)> _clustersById;
    private readonly ConcurrentDictionary<string, string> _armJson = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _argJson = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingCommand> _commands = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRunCommand> _runCommands = new();
    private readonly ConcurrentQueue<string> _credentialFormats = new();
    private readonly ConcurrentQueue<int> _graphPageSizes = new();
    private readonly Queue<DateTimeOffset> _graphWindow = new();
    private readonly Lock _graphLock = new();
    private int _graphThrottlesLeft;
    private int _armThrottlesLeft;

    private AzureLoopbackServer(WebApplication app, AzureFleetDescription fleet, LoopbackCertificateAuthority authority)
    {
        _app = app;
        _fleet = fleet;
        Authority = authority;
        _subscriptions = fleet.Subscriptions.ToDictionary(s => s.SubscriptionId, StringComparer.OrdinalIgnoreCase);
        _clustersById = fleet.Subscriptions
            .SelectMany(s => s.Clusters.Select(c => (Subscription: s, Cluster: c)))
            .ToDictionary(p => p.Cluster.ResourceId(p.Subscription.SubscriptionId).ToLowerInvariant(), StringComparer.Ordinal);
        _graphThrottlesLeft = fleet.ResourceGraphThrottledRequests;
        _armThrottlesLeft = fleet.ArmThrottledRequests;
        Endpoint = new Uri("https://127.0.0.1/");
    }

    /// <summary>The ARM endpoint, e.g. <c>https://127.0.0.1:43210/</c>.</summary>
    public Uri Endpoint { get; private set; }

    /// <summary>The CA this server's certificate chains to; clients trust the server through it only.</summary>
    internal LoopbackCertificateAuthority Authority { get; }

    public AzureCallCounts Calls { get; } = new();

    /// <summary>The <c>format</c> of every listClusterUserCredential call, in order (empty when absent).</summary>
    public IReadOnlyList<string> CredentialFormats => [.. _credentialFormats];

    /// <summary>Every runCommand received, in order.</summary>
    public IReadOnlyList<RecordedRunCommand> RunCommands => [.. _runCommands];

    /// <summary>The <c>$top</c> of every Resource Graph page the server answered, in order.</summary>
    public IReadOnlyList<int> ResourceGraphPageSizes => [.. _graphPageSizes];

    public static async Task<AzureLoopbackServer> StartAsync(AzureFleetDescription fleet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var authority = LoopbackCertificateAuthority.Create("netpolgov-loopback-azure-ca");
        // No configuration reload: it would watch every directory under the working directory (thousands in a repository).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(authority.ServerCertificate)));
        var app = builder.Build();
        var server = new AzureLoopbackServer(app, fleet, authority);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>A handler that trusts only this server's CA.</summary>
    public SocketsHttpHandler CreateTrustingHandler() => Authority.CreateTrustingHandler();

    /// <summary>Client options for this server: a custom cloud at <see cref="Endpoint"/>, the trusting transport, fast polling.</summary>
    public AzureManagementClientOptions CreateClientOptions()
    {
        var options = new AzureManagementClientOptions
        {
            Cloud = AzureCloudEnvironment.Custom(Endpoint),
            Transport = new HttpClientTransport(CreateTrustingHandler()),
            RunCommandPollInterval = TimeSpan.FromMilliseconds(10),
            RunCommandTimeout = TimeSpan.FromSeconds(30),
        };
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxRetries = 4;
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Authority.Dispose();
    }

    /// <summary>
    /// Where links (nextLink, Location) point: the origin the client addressed, as ARM answers on its own host. A client
    /// that reaches this server through a proxy under the public ARM name gets links under that name.
    /// </summary>
    private static Uri LinkBase(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}/");

    private async Task HandleAsync(HttpContext context)
    {
        if (_fleet.Latency > TimeSpan.Zero)
        {
            await Task.Delay(_fleet.Latency, context.RequestAborted).ConfigureAwait(false);
        }

        AzureCallCounts.Increment(ref Calls.TotalField);
        if (!string.Equals(context.Request.Headers.Authorization.ToString(), "Bearer " + _fleet.AcceptedToken, StringComparison.Ordinal))
        {
            AzureCallCounts.Increment(ref Calls.UnauthorizedField);

            // ARM names the tenant that owns the resource in the challenge, as the real service does.
            if (_fleet.UnauthorizedChallenge is { } challenge)
            {
                context.Response.Headers.WWWAuthenticate = challenge;
            }
            else if (_fleet.Subscriptions.Count > 0 && _fleet.Subscriptions[0].TenantId is { } tenant)
            {
                context.Response.Headers.WWWAuthenticate = $"Bearer authorization_uri=\"https://login.microsoftonline.com/{tenant}\", error=\"invalid_token\", error_description=\"The access token is invalid.\"";
            }

            await WriteErrorAsync(context, 401, "InvalidAuthenticationToken", "The access token is invalid or expired.").ConfigureAwait(false);
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isGraph = IsPath(segments, "providers", "Microsoft.ResourceGraph", "resources");
        if (isGraph)
        {
            AzureCallCounts.Increment(ref Calls.ResourceGraphField);
        }

        if (isGraph ? Interlocked.Decrement(ref _graphThrottlesLeft) >= 0 : Interlocked.Decrement(ref _armThrottlesLeft) >= 0)
        {
            AzureCallCounts.Increment(ref Calls.ThrottledField);
            context.Response.Headers.RetryAfter = _fleet.ThrottleRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, 429, "TooManyRequests", "Throttled by the loopback server (injected).").ConfigureAwait(false);
            return;
        }

        var method = context.Request.Method;
        if (isGraph && HttpMethods.IsPost(method))
        {
            await ResourceGraphAsync(context).ConfigureAwait(false);
        }
        else if (segments.Length == 1 && Eq(segments[0], "subscriptions") && HttpMethods.IsGet(method))
        {
            await SubscriptionListAsync(context).ConfigureAwait(false);
        }
        else if (segments.Length == 5 && IsPath(segments, "providers", "Microsoft.Management", "managementGroups") && Eq(segments[4], "descendants"))
        {
            await DescendantsAsync(context, segments[3]).ConfigureAwait(false);
        }
        else if (segments.Length == 5 && Eq(segments[0], "subscriptions") && Eq(segments[2], "providers") && Eq(segments[4], "managedClusters"))
        {
            await ClusterListAsync(context, segments[1]).ConfigureAwait(false);
        }
        else if (segments.Length == 10 && Eq(segments[0], "v1") && Eq(segments[^1], "query") && HttpMethods.IsPost(method))
        {
            await LogAnalyticsQueryAsync(context, "/" + string.Join('/', segments[1..^1])).ConfigureAwait(false);
        }
        else if (segments.Length >= 8 && Eq(segments[0], "subscriptions") && Eq(segments[6], "managedClusters"))
        {
            await ClusterActionAsync(context, segments).ConfigureAwait(false);
        }
        else
        {
            await WriteErrorAsync(context, 404, "NotFound", $"No route for {method} {path} in the loopback ARM server.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The Log Analytics query API's resource-centric query on a cluster: the body must carry <c>query</c>; the answer is
    /// the cluster's <see cref="SimulatedCluster.ContainerNetworkLogs"/> in the response envelope (an empty table when
    /// it has none), 404 for a resource the fleet does not hold (the service's <c>ResourceNotFound</c>).
    /// </summary>
    private async Task LogAnalyticsQueryAsync(HttpContext context, string resourceId)
    {
        string? query = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("query", out var text) && text.ValueKind == JsonValueKind.String)
            {
                query = text.GetString();
            }
        }
        catch (JsonException)
        {
            query = null;
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            await WriteErrorAsync(context, 400, "BadArgumentError", "The request had some invalid properties: query is required.").ConfigureAwait(false);
            return;
        }

        if (!_clustersById.TryGetValue(resourceId.ToLowerInvariant(), out var entry))
        {
            await WriteErrorAsync(context, 404, "ResourceNotFound", $"The resource {resourceId} was not found.").ConfigureAwait(false);
            return;
        }

        var answer = entry.Cluster.ContainerNetworkLogs?.Invoke()
            ?? Encoding.UTF8.GetBytes("""{"tables":[{"name":"PrimaryResult","columns":[{"name":"Verdict","type":"string"}],"rows":[]}]}""");
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ResourceGraphAsync(HttpContext context)
    {
        if (_fleet.ResourceGraphRefused)
        {
            await WriteErrorAsync(context, 403, "AuthorizationFailed", "The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'.").ConfigureAwait(false);
            return;
        }

        var (remaining, resetsAfter) = TakeGraphQuota();
        context.Response.Headers["x-ms-user-quota-remaining"] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture);
        // The header has whole seconds: round up, so a client that waits it out is never early.
        var resetsAfterSeconds = TimeSpan.FromSeconds(Math.Ceiling(resetsAfter.TotalSeconds));
        context.Response.Headers["x-ms-user-quota-resets-after"] = resetsAfterSeconds.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        if (remaining < 0)
        {
            AzureCallCounts.Increment(ref Calls.ThrottledField);
            await WriteErrorAsync(context, 429, "RateLimiting", "Please provide below info when asking for support: quota exceeded.").ConfigureAwait(false);
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var root = body.RootElement;
        var subscriptions = ReadStrings(root, "subscriptions");
        var groups = ReadStrings(root, "managementGroups");
        var options = root.TryGetProperty("options", out var o) ? o : default;
        var top = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("$top", out var t) && t.TryGetInt32(out var parsedTop) ? parsedTop : 1000;
        var skipToken = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("$skipToken", out var s) ? s.GetString() : null;
        if (!(root.TryGetProperty("query", out var query) && query.GetString() is { } q && q.Contains("managedclusters", StringComparison.OrdinalIgnoreCase)))
        {
            await WriteErrorAsync(context, 400, "BadRequest", "The loopback Resource Graph only knows managedClusters queries.").ConfigureAwait(false);
            return;
        }

        IEnumerable<string> scope = subscriptions.Count > 0
            ? subscriptions
            : groups.Count > 0
                ? groups.SelectMany(g => _fleet.ManagementGroups.TryGetValue(g, out var subs) ? subs : [])
                : _fleet.Subscriptions.Select(x => x.SubscriptionId);
        var rows = scope
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(id => _subscriptions.GetValueOrDefault(id))
            .Where(sub => sub is { ClustersForbidden: false })
            .SelectMany(sub => sub!.Clusters.Select(c => (Subscription: sub!, Cluster: c)))
            .OrderBy(p => p.Cluster.ResourceId(p.Subscription.SubscriptionId), StringComparer.OrdinalIgnoreCase)
            .ToList();

        if (_fleet.ResourceGraphPayloadTooLargeAbove > 0 && top > _fleet.ResourceGraphPayloadTooLargeAbove)
        {
            // The service's shape: a BadRequest whose detail carries the code.
            AzureCallCounts.Increment(ref Calls.PayloadTooLargeField);
            var error = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = "BadRequest",
                    ["message"] = "Please provide below info when asking for support: timestamp = 2026-01-01T00:00:00.0000000Z, correlationId = 00000000-0000-0000-0000-000000000000.",
                    ["details"] = new JsonArray(new JsonObject
                    {
                        ["code"] = "ResponsePayloadTooLarge",
                        ["message"] = "Response payload size is 20971520, and has exceeded the limit of 16777216. Please consider querying less data at a time and make paginated call if needed.",
                    }),
                },
            };
            await WriteJsonAsync(context, 400, error.ToJsonString()).ConfigureAwait(false);
            return;
        }

        RecordGraphPageSize(top);
        var offset = DecodeOffset(skipToken);
        var pageSize = Math.Clamp(top, 1, _fleet.ResourceGraphMaxPageSize);
        var page = rows.Skip(offset).Take(pageSize).ToList();
        var next = offset + page.Count < rows.Count ? EncodeOffset(offset + page.Count) : null;

        var json = new StringBuilder(page.Count * 4096);
        json.Append(CultureInfo.InvariantCulture, $"{{\"totalRecords\":{rows.Count},\"count\":{page.Count},\"resultTruncated\":\"false\",\"facets\":[],");
        if (next is not null)
        {
            json.Append(CultureInfo.InvariantCulture, $"\"$skipToken\":\"{next}\",");
        }

        json.Append("\"data\":[");
        json.AppendJoin(',', page.Select(p => GraphRow(p.Subscription, p.Cluster)));
        json.Append("]}");
        await WriteJsonAsync(context, 200, json.ToString()).ConfigureAwait(false);
    }

    private void RecordGraphPageSize(int top) => _graphPageSizes.Enqueue(top);

    private async Task SubscriptionListAsync(HttpContext context)
    {
        AzureCallCounts.Increment(ref Calls.SubscriptionListField);
        var template = AzurePayloads.Body(AzurePayloads.Subscriptions)["value"]![0]!;
        var value = new JsonArray();
        foreach (var subscription in _fleet.Subscriptions)
        {
            var item = template.DeepClone();
            item["id"] = "/subscriptions/" + subscription.SubscriptionId;
            item["subscriptionId"] = subscription.SubscriptionId;
            item["tenantId"] = subscription.TenantId;
            item["displayName"] = subscription.DisplayName;
            item["state"] = subscription.State;
            value.Add(item);
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["value"] = value }.ToJsonString()).ConfigureAwait(false);
    }

    private async Task DescendantsAsync(HttpContext context, string group)
    {
        AzureCallCounts.Increment(ref Calls.ManagementGroupField);
        if (!_fleet.ManagementGroups.TryGetValue(group, out var subscriptions))
        {
            await WriteErrorAsync(context, 403, "AuthorizationFailed", $"The client does not have authorization over management group '{group}'.").ConfigureAwait(false);
            return;
        }

        var template = AzurePayloads.Body(AzurePayloads.ManagementGroupDescendants)["value"]![1]!;
        var value = new JsonArray();
        foreach (var id in subscriptions)
        {
            var item = template.DeepClone();
            item["id"] = "/subscriptions/" + id;
            item["name"] = id;
            item["properties"]!["displayName"] = _subscriptions.TryGetValue(id, out var s) ? s.DisplayName : id;
            item["properties"]!["parent"]!["id"] = "/providers/Microsoft.Management/managementGroups/" + group;
            value.Add(item);
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["value"] = value, ["nextLink"] = null }.ToJsonString()).ConfigureAwait(false);
    }

    private async Task ClusterListAsync(HttpContext context, string subscriptionId)
    {
        AzureCallCounts.Increment(ref Calls.ClusterListField);
        if (!_subscriptions.TryGetValue(subscriptionId, out var subscription))
        {
            await WriteErrorAsync(context, 404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.").ConfigureAwait(false);
            return;
        }

        if (subscription.ClustersForbidden)
        {
            await WriteErrorAsync(
                context,
                403,
                "AuthorizationFailed",
                (_fleet.EchoCredentialsInErrors
                    ? $"Request Authorization: {context.Request.Headers.Authorization}, logs ?sig=ArmEchoedSignature0123456789: "
                    : string.Empty)
                + $"The client does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read' over scope '/subscriptions/{subscriptionId}'.").ConfigureAwait(false);
            return;
        }

        var offset = DecodeOffset(context.Request.Query["$skipToken"]);
        var page = subscription.Clusters.Skip(offset).Take(_fleet.ArmListPageSize).ToList();
        var json = new StringBuilder("{\"value\":[");
        json.AppendJoin(',', page.Select(c => ArmJson(subscription, c)));
        json.Append(']');
        if (offset + page.Count < subscription.Clusters.Count)
        {
            var next = new Uri(LinkBase(context), $"subscriptions/{subscriptionId}/{ClustersProvider}?api-version={ManagedClustersClient.ApiVersion}&$skipToken={EncodeOffset(offset + page.Count)}");
            json.Append(CultureInfo.InvariantCulture, $",\"nextLink\":\"{next}\"");
        }

        json.Append('}');
        await WriteJsonAsync(context, 200, json.ToString()).ConfigureAwait(false);
    }

    private async Task ClusterActionAsync(HttpContext context, string[] segments)
    {
        var id = "/" + string.Join('/', segments.Take(8));
        if (!_clustersById.TryGetValue(id.ToLowerInvariant(), out var entry))
        {
            await WriteErrorAsync(context, 404, "ResourceNotFound", $"The Resource '{id}' was not found.").ConfigureAwait(false);
            return;
        }

        if (entry.Subscription.ClustersForbidden)
        {
            await WriteErrorAsync(context, 403, "AuthorizationFailed", $"The client does not have authorization over scope '{id}'.").ConfigureAwait(false);
            return;
        }

        var action = segments.Length > 8 ? segments[8] : null;
        var method = context.Request.Method;
        switch (action)
        {
            case null when HttpMethods.IsGet(method):
                AzureCallCounts.Increment(ref Calls.ClusterGetField);
                await WriteJsonAsync(context, 200, ArmJson(entry.Subscription, entry.Cluster)).ConfigureAwait(false);
                break;
            case "listClusterUserCredential" when HttpMethods.IsPost(method):
                AzureCallCounts.Increment(ref Calls.CredentialField);
                _credentialFormats.Enqueue(context.Request.Query["format"].ToString());
                await CredentialAsync(context, entry.Cluster).ConfigureAwait(false);
                break;
            case "runCommand" when HttpMethods.IsPost(method):
                AzureCallCounts.Increment(ref Calls.RunCommandField);
                await RunCommandAsync(context, id, entry.Cluster).ConfigureAwait(false);
                break;
            case "managedNamespaces" when HttpMethods.IsGet(method) && segments.Length == 9:
                AzureCallCounts.Increment(ref Calls.ManagedNamespaceListField);
                await ManagedNamespacesAsync(context, id, entry.Cluster).ConfigureAwait(false);
                break;
            case "commandResults" when HttpMethods.IsGet(method) && segments.Length == 10:
                AzureCallCounts.Increment(ref Calls.RunCommandPollField);
                await CommandResultAsync(context, id, segments[9]).ConfigureAwait(false);
                break;
            default:
                await WriteErrorAsync(context, 404, "NotFound", $"No action '{action}' for {method} in the loopback ARM server.").ConfigureAwait(false);
                break;
        }
    }

    private static async Task ManagedNamespacesAsync(HttpContext context, string clusterId, SimulatedCluster cluster)
    {
        if (cluster.ManagedNamespacesForbidden)
        {
            await WriteErrorAsync(context, 403, "AuthorizationFailed", $"The client does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/managedNamespaces/read' over scope '{clusterId}'.").ConfigureAwait(false);
            return;
        }

        var template = AzurePayloads.Body(AzurePayloads.ManagedNamespacesList)["value"]![0]!;
        var items = new JsonArray();
        foreach (var ns in cluster.ManagedNamespaces)
        {
            var item = template.DeepClone();
            item["id"] = $"{clusterId}/managedNamespaces/{ns.Name}";
            item["name"] = ns.Name;
            item["location"] = cluster.Location;
            var tags = new JsonObject();
            foreach (var (key, value) in ns.Tags)
            {
                tags[key] = value;
            }

            item["tags"] = tags;
            item["properties"]!["defaultNetworkPolicy"] = new JsonObject { ["ingress"] = ns.Ingress, ["egress"] = ns.Egress };
            items.Add(item);
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["value"] = items }.ToJsonString()).ConfigureAwait(false);
    }

    private async Task CredentialAsync(HttpContext context, SimulatedCluster cluster)
    {
        var body = AzurePayloads.Body(AzurePayloads.ListClusterUserCredentials);
        var exec = string.Equals(context.Request.Query["format"], "exec", StringComparison.Ordinal);
        var kubeconfig = Kubeconfig(cluster, exec);
        body["kubeconfigs"]![0]!["name"] = "clusterUser";
        body["kubeconfigs"]![0]!["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig));
        await WriteJsonAsync(context, 200, body.ToJsonString()).ConfigureAwait(false);
    }

    private async Task RunCommandAsync(HttpContext context, string clusterId, SimulatedCluster cluster)
    {
        if (_fleet.RunCommandForbidden)
        {
            await WriteErrorAsync(
                context,
                403,
                "AuthorizationFailed",
                $"The client does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/runcommand/action' over scope '{clusterId}'.").ConfigureAwait(false);
            return;
        }

        if (cluster.RunCommandDisabled)
        {
            await WriteErrorAsync(context, 400, "RunCommandDisabled", "Run command is disabled for this cluster.").ConfigureAwait(false);
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var command = body.RootElement.TryGetProperty("command", out var c) ? c.GetString() ?? string.Empty : string.Empty;
        var token = body.RootElement.TryGetProperty("clusterToken", out var t) ? t.GetString() : null;
        _runCommands.Enqueue(new RecordedRunCommand(clusterId, command, token));
        var commandId = Guid.NewGuid().ToString("N");
        _commands[commandId] = new PendingCommand(cluster, _fleet.RunCommandPendingPolls);
        context.Response.Headers.Location = new Uri(LinkBase(context), $"{clusterId.TrimStart('/')}/commandResults/{commandId}?api-version={ManagedClustersClient.ApiVersion}").ToString();
        context.Response.Headers.RetryAfter = _fleet.RunCommandRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.StatusCode = 202;
    }

    private async Task CommandResultAsync(HttpContext context, string clusterId, string commandId)
    {
        if (!_commands.TryGetValue(commandId, out var pending))
        {
            await WriteErrorAsync(context, 404, "NotFound", $"Command '{commandId}' not found.").ConfigureAwait(false);
            return;
        }

        if (Interlocked.Decrement(ref pending.PollsLeft) >= 0)
        {
            if (!_fleet.RunCommandPollsOmitLocation)
            {
                context.Response.Headers.Location = new Uri(LinkBase(context), $"{clusterId.TrimStart('/')}/commandResults/{commandId}?api-version={ManagedClustersClient.ApiVersion}").ToString();
            }

            context.Response.Headers.RetryAfter = _fleet.RunCommandRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.StatusCode = 202;
            return;
        }

        var cluster = pending.Cluster;
        JsonNode result;
        if (cluster.RunCommandFailureReason is { } reason)
        {
            result = AzurePayloads.Body(AzurePayloads.RunCommandResultFailed);
            result["properties"]!["reason"] = reason;
        }
        else
        {
            result = AzurePayloads.Body(AzurePayloads.RunCommandResultSucceed);
            result["properties"]!["exitCode"] = cluster.RunCommandExitCode;
            if (cluster.RunCommandLogs is { } logs)
            {
                result["properties"]!["logs"] = logs;
            }
        }

        result["id"] = commandId;
        await WriteJsonAsync(context, 200, result.ToJsonString()).ConfigureAwait(false);
    }

    private string ArmJson(SimulatedSubscription subscription, SimulatedCluster cluster) =>
        _armJson.GetOrAdd(cluster.ResourceId(subscription.SubscriptionId), _ => BuildCluster(subscription, cluster).ToJsonString());

    private string GraphRow(SimulatedSubscription subscription, SimulatedCluster cluster) =>
        _argJson.GetOrAdd(cluster.ResourceId(subscription.SubscriptionId), _ =>
        {
            // The row Resource Graph returns for the scanner's projected query (AzureClusterInventory.ClusterQuery),
            // computed from the same ARM payload: KQL's tostring() of a missing field is "".
            var resource = BuildCluster(subscription, cluster);
            var properties = resource["properties"]!;
            var network = properties["networkProfile"];
            var pools = properties["agentPoolProfiles"] as JsonArray;
            string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : string.Empty;
            JsonNode? Flag(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var flag) ? flag : null;
            return new JsonObject
            {
                ["id"] = resource["id"]!.DeepClone(),
                ["name"] = cluster.Name,
                ["location"] = cluster.Location,
                ["tenantId"] = subscription.TenantId,
                ["subscriptionId"] = subscription.SubscriptionId,
                ["resourceGroup"] = cluster.ResourceGroup.ToLowerInvariant(),
                ["tags"] = resource["tags"]?.DeepClone(),
                ["provisioningState"] = Text(properties["provisioningState"]),
                ["powerState"] = Text(properties["powerState"]?["code"]),
                ["kubernetesVersion"] = Text(properties["currentKubernetesVersion"]) is { Length: > 0 } current ? current : Text(properties["kubernetesVersion"]),
                ["networkPlugin"] = Text(network?["networkPlugin"]),
                ["networkPluginMode"] = Text(network?["networkPluginMode"]),
                ["networkPolicy"] = Text(network?["networkPolicy"]),
                ["networkDataplane"] = Text(network?["networkDataplane"]),
                ["advancedNetworking"] = network?["advancedNetworking"]?.DeepClone(),
                ["nodePools"] = pools?.Count,
                ["windowsPools"] = pools?.Any(p => Text(p?["osType"]) == "Windows") ?? false,
                ["entraEnabled"] = properties["aadProfile"] is not null,
                ["azureRbac"] = Flag(properties["aadProfile"]?["enableAzureRBAC"]),
                ["disableLocalAccounts"] = Flag(properties["disableLocalAccounts"]),
                ["privateCluster"] = Flag(properties["apiServerAccessProfile"]?["enablePrivateCluster"]),
                ["disableRunCommand"] = Flag(properties["apiServerAccessProfile"]?["disableRunCommand"]),
                ["fqdn"] = Text(properties["fqdn"]),
                ["privateFqdn"] = Text(properties["privateFQDN"]),
            }.ToJsonString();
        });

    /// <summary>The upstream ManagedClustersGet example, re-identified and re-profiled for <paramref name="cluster"/>.</summary>
    private static JsonNode BuildCluster(SimulatedSubscription subscription, SimulatedCluster cluster)
    {
        var resource = AzurePayloads.Body(AzurePayloads.ManagedClusterGet);
        resource["id"] = cluster.ResourceId(subscription.SubscriptionId);
        resource["name"] = cluster.Name;
        resource["location"] = cluster.Location;
        if (cluster.Tags is { } tags)
        {
            var written = new JsonObject();
            foreach (var (key, value) in tags)
            {
                written[key] = value;
            }

            resource["tags"] = written;
        }

        var properties = resource["properties"]!.AsObject();
        properties["kubernetesVersion"] = cluster.KubernetesVersion;
        properties["currentKubernetesVersion"] = cluster.KubernetesVersion;
        properties["provisioningState"] = cluster.ProvisioningState;
        properties["dnsPrefix"] = cluster.Name + "-dns";
        properties["fqdn"] = $"{cluster.Name}-dns.hcp.{cluster.Location}.azmk8s.io";
        properties["azurePortalFQDN"] = $"{cluster.Name}-dns.portal.hcp.{cluster.Location}.azmk8s.io";
        properties["nodeResourceGroup"] = $"MC_{cluster.ResourceGroup}_{cluster.Name}_{cluster.Location}";
        properties["enableRBAC"] = true;
        if (cluster.PowerState is { } power)
        {
            properties["powerState"] = new JsonObject { ["code"] = power };
        }

        var network = properties["networkProfile"]!.AsObject();
        SetOrRemove(network, "networkPlugin", cluster.NetworkPlugin);
        SetOrRemove(network, "networkPluginMode", cluster.NetworkPluginMode);
        SetOrRemove(network, "networkPolicy", cluster.NetworkPolicy);
        SetOrRemove(network, "networkDataplane", cluster.NetworkDataplane);
        network.Remove("advancedNetworking");
        if (cluster.AdvancedNetworking is { } acns)
        {
            network["advancedNetworking"] = JsonNode.Parse(acns);
        }

        var poolTemplate = properties["agentPoolProfiles"]![0]!;
        var pools = new JsonArray();
        var index = 0;
        foreach (var osType in cluster.NodePoolOsTypes)
        {
            var pool = poolTemplate.DeepClone();
            pool["name"] = string.Equals(osType, "Windows", StringComparison.OrdinalIgnoreCase) ? $"win{index}" : $"nodepool{index + 1}";
            pool["osType"] = osType;
            pool["orchestratorVersion"] = cluster.KubernetesVersion;
            pool["currentOrchestratorVersion"] = cluster.KubernetesVersion;
            pools.Add(pool);
            index++;
        }

        properties["agentPoolProfiles"] = pools;
        properties.Remove("aadProfile");
        if (cluster.EntraEnabled)
        {
            properties["aadProfile"] = new JsonObject
            {
                ["managed"] = true,
                ["enableAzureRBAC"] = cluster.AzureRbac,
                ["tenantID"] = subscription.TenantId,
            };
        }

        properties["disableLocalAccounts"] = cluster.LocalAccountsDisabled;
        properties["apiServerAccessProfile"] = new JsonObject
        {
            ["enablePrivateCluster"] = cluster.PrivateCluster,
            ["disableRunCommand"] = cluster.RunCommandDisabled,
        };
        if (cluster.PrivateCluster)
        {
            properties["privateFQDN"] = $"{cluster.Name}-dns.privatelink.{cluster.Location}.azmk8s.io";
        }

        return resource;
    }

    private string Kubeconfig(SimulatedCluster cluster, bool exec)
    {
        var server = cluster.ApiServerUrl ?? $"https://{cluster.Name}-dns.hcp.{cluster.Location}.azmk8s.io:443";
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(cluster.CertificateAuthorityPem ?? Authority.CaPem));
        var user = $"clusterUser_{cluster.ResourceGroup}_{cluster.Name}";
        var yaml = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("clusters:")
            .AppendLine("- cluster:")
            .AppendLine(CultureInfo.InvariantCulture, $"    certificate-authority-data: {ca}")
            .AppendLine(CultureInfo.InvariantCulture, $"    server: {server}")
            .AppendLine(CultureInfo.InvariantCulture, $"  name: {cluster.Name}")
            .AppendLine("contexts:")
            .AppendLine("- context:")
            .AppendLine(CultureInfo.InvariantCulture, $"    cluster: {cluster.Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"    user: {user}")
            .AppendLine(CultureInfo.InvariantCulture, $"  name: {cluster.Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"current-context: {cluster.Name}")
            .AppendLine("preferences: {}")
            .AppendLine("users:")
            .AppendLine(CultureInfo.InvariantCulture, $"- name: {user}")
            .AppendLine("  user:");
        if (cluster.EntraEnabled && (exec || cluster.LocalAccountsDisabled))
        {
            yaml.AppendLine("    exec:")
                .AppendLine("      apiVersion: client.authentication.k8s.io/v1beta1")
                .AppendLine("      command: kubelogin")
                .AppendLine("      args:")
                .AppendLine("      - get-token")
                .AppendLine("      - --login")
                .AppendLine("      - devicecode")
                .AppendLine("      - --server-id")
                .AppendLine(CultureInfo.InvariantCulture, $"      - {AzureCloudEnvironment.AksEntraServerAppId}")
                .AppendLine("      provideClusterInfo: false");
        }
        else
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    token: {cluster.LocalAccountToken}");
        }

        return yaml.ToString();
    }

    private (int Remaining, TimeSpan ResetsAfter) TakeGraphQuota()
    {
        var window = _fleet.ResourceGraphQuotaWindow;
        var now = DateTimeOffset.UtcNow;
        lock (_graphLock)
        {
            // A client that waited out the reset may come back a millisecond "early" by this clock (timers and the wall
            // clock drift apart): a query that old is treated as expired.
            while (_graphWindow.Count > 0 && now - _graphWindow.Peek() >= window - ClockTolerance)
            {
                _graphWindow.Dequeue();
            }

            if (_graphWindow.Count >= _fleet.ResourceGraphQuotaPerWindow)
            {
                return (-1, window - (now - _graphWindow.Peek()));
            }

            _graphWindow.Enqueue(now);
            var resets = window - (now - _graphWindow.Peek());
            return (_fleet.ResourceGraphQuotaPerWindow - _graphWindow.Count, resets);
        }
    }

    private static void SetOrRemove(JsonObject target, string name, string? value)
    {
        if (value is null)
        {
            target.Remove(name);
        }
        else
        {
            target[name] = value;
        }
    }

    private static List<string> ReadStrings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.GetString()).OfType<string>()]
            : [];

    private static string EncodeOffset(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int DecodeOffset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        return int.Parse(text.AsSpan("offset:".Length), NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    private static bool IsPath(string[] segments, params string[] prefix) =>
        segments.Length >= prefix.Length && prefix.Select((p, i) => Eq(segments[i], p)).All(x => x);

    private static bool Eq(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());

    private static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed class PendingCommand(SimulatedCluster cluster, int polls)
    {
        public SimulatedCluster Cluster { get; } = cluster;

#pragma warning disable CA1051 // Interlocked needs a field.
        public int PollsLeft = polls;
#pragma warning restore CA1051
    }
}

/// <summary>A runCommand the server received. <see cref="ClusterToken"/> is what the client sent (null when absent).</summary>
public sealed record RecordedRunCommand(string ClusterId, string Command, string? ClusterToken);

/// <summary>Calls the loopback ARM server answered, by kind (thread-safe counters).</summary>
public sealed class AzureCallCounts
{
    internal int PayloadTooLargeField;
    internal int ManagedNamespaceListField;

#pragma warning disable CA1051 // Interlocked needs fields; read through the properties.
    internal int TotalField;
    internal int UnauthorizedField;
    internal int ThrottledField;
    internal int ResourceGraphField;
    internal int SubscriptionListField;
    internal int ManagementGroupField;
    internal int ClusterListField;
    internal int ClusterGetField;
    internal int CredentialField;
    internal int RunCommandField;
    internal int RunCommandPollField;
#pragma warning restore CA1051

    public int Total => Volatile.Read(ref TotalField);

    public int Unauthorized => Volatile.Read(ref UnauthorizedField);

    public int Throttled => Volatile.Read(ref ThrottledField);

    public int ResourceGraph => Volatile.Read(ref ResourceGraphField);

    public int SubscriptionLists => Volatile.Read(ref SubscriptionListField);

    public int ManagementGroupLists => Volatile.Read(ref ManagementGroupField);

    public int ClusterLists => Volatile.Read(ref ClusterListField);

    public int ClusterGets => Volatile.Read(ref ClusterGetField);

    public int Credentials => Volatile.Read(ref CredentialField);

    public int RunCommands => Volatile.Read(ref RunCommandField);

    public int RunCommandPolls => Volatile.Read(ref RunCommandPollField);

    /// <summary>ARM calls other than Resource Graph.</summary>
    public int Arm => Total - ResourceGraph;

    /// <summary>managedNamespaces lists served.</summary>
    public int ManagedNamespaceLists => Volatile.Read(ref ManagedNamespaceListField);

    /// <summary>Resource Graph pages refused with ResponsePayloadTooLarge.</summary>
    public int PayloadTooLarge => Volatile.Read(ref PayloadTooLargeField);

    internal static void Increment(ref int field) => Interlocked.Increment(ref field);
}
