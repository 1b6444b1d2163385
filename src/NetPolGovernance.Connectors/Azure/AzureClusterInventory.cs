using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// Every AKS cluster of an <see cref="AzureInventoryScope"/>, none missed, none counted twice (keyed by the
/// lower-cased resource id). Resource Graph first, ordered by id and paged by skip token. Resource Graph silently
/// leaves out what the identity cannot read, so a subscription in scope with no rows is confirmed through the ARM
/// list (one call); if Resource Graph is refused, every subscription is listed through ARM. A subscription whose
/// clusters cannot be listed becomes one Unknown target with the reason; the rest are still scanned. A failed sign-in
/// is an <see cref="AzureSignInException"/>, never a target. Stopped or
/// deleting clusters are targets with a <see cref="ClusterTarget.SkipReason"/>, never dropped; Failed clusters are scanned.
/// </summary>
public sealed partial class AzureClusterInventory : IClusterInventory
{
    /// <summary>
    /// The Resource Graph query: only the fields the scanner reads (a row is a few hundred bytes, not the whole
    /// <c>properties</c>, so a 1,000-row page stays far below the response size cap), stable order by id. The
    /// columns are read by <see cref="ManagedCluster.FromGraphRow"/>.
    /// </summary>
    public const string ClusterQuery =
        "Resources\n" +
        "| where type =~ 'microsoft.containerservice/managedclusters'\n" +
        "| project id, name, location, tenantId, subscriptionId, resourceGroup, tags,\n" +
        "    provisioningState = tostring(properties.provisioningState),\n" +
        "    powerState = tostring(properties.powerState.code),\n" +
        "    kubernetesVersion = coalesce(tostring(properties.currentKubernetesVersion), tostring(properties.kubernetesVersion)),\n" +
        "    networkPlugin = tostring(properties.networkProfile.networkPlugin),\n" +
        "    networkPluginMode = tostring(properties.networkProfile.networkPluginMode),\n" +
        "    networkPolicy = tostring(properties.networkProfile.networkPolicy),\n" +
        "    networkDataplane = tostring(properties.networkProfile.networkDataplane),\n" +
        "    advancedNetworking = properties.networkProfile.advancedNetworking,\n" +
        "    nodePools = array_length(properties.agentPoolProfiles),\n" +
        "    windowsPools = tostring(properties.agentPoolProfiles) contains '\"osType\":\"Windows\"',\n" +
        "    entraEnabled = isnotnull(properties.aadProfile),\n" +
        "    azureRbac = tobool(properties.aadProfile.enableAzureRBAC),\n" +
        "    disableLocalAccounts = tobool(properties.disableLocalAccounts),\n" +
        "    privateCluster = tobool(properties.apiServerAccessProfile.enablePrivateCluster),\n" +
        "    disableRunCommand = tobool(properties.apiServerAccessProfile.disableRunCommand),\n" +
        "    fqdn = tostring(properties.fqdn),\n" +
        "    privateFqdn = tostring(properties.privateFQDN)\n" +
        "| order by id asc";

    private const int SubscriptionsPerQuery = 300;

    private readonly ResourceGraphClient _resourceGraph;
    private readonly SubscriptionsClient _subscriptions;
    private readonly ManagedClustersClient _clusters;
    private readonly AzureInventoryScope _scope;
    private readonly ILogger<AzureClusterInventory> _logger;
    private readonly string _cloud;

    public AzureClusterInventory(
        ResourceGraphClient resourceGraph,
        SubscriptionsClient subscriptions,
        ManagedClustersClient clusters,
        AzureInventoryScope scope,
        ILogger<AzureClusterInventory> logger,
        AzureCloudEnvironment? cloud = null)
    {
        ArgumentNullException.ThrowIfNull(resourceGraph);
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(logger);
        if (scope.MaxConcurrentSubscriptionLists < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope.MaxConcurrentSubscriptionLists, "MaxConcurrentSubscriptionLists must be at least 1.");
        }

        _resourceGraph = resourceGraph;
        _subscriptions = subscriptions;
        _clusters = clusters;
        _scope = scope;
        _logger = logger;
        _cloud = (cloud ?? AzureCloudEnvironment.AzureCloud).Name;
    }

    /// <summary>
    /// Streams the targets. When the identity cannot sign in (the credential fails, ARM answers 401) or may not list
    /// the scope (403 on the subscription or management-group list), the stream ends with an
    /// <see cref="AzureSignInException"/> whose one-line message says what to do; no target stands for it. Any other
    /// failure of the whole inventory ends the stream with one Unknown target that says why, after whatever was already found.
    /// </summary>
    /// <exception cref="AzureSignInException">The identity cannot sign in or may not list the scope.</exception>
    public async IAsyncEnumerable<ClusterTarget> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var targets = ListCoreAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ClusterTarget? failure = null;
            try
            {
                if (!await targets.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (AuthenticationFailedException ex)
            {
                throw AzureSignInException.CredentialFailed(ex, _cloud);
            }
            catch (RequestFailedException ex) when (ex.Status is 401 or 403)
            {
                throw AzureSignInException.Refused(ex, _cloud);
            }
            catch (RequestFailedException ex)
            {
                LogInventoryFailed(ex.Status, ArmErrors.Redact(ex.Message));
                failure = UnreadableScope(
                    "Azure inventory",
                    null,
                    "/",
                    $"the clusters in scope could not be listed ({ArmErrors.Describe(ex)}); check the identity's Reader role and the --cloud/--arm-endpoint");
            }

            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            yield return targets.Current;
        }
    }

    private async IAsyncEnumerable<ClusterTarget> ListCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var subscriptionsWithRows = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        var inScope = new List<string>();
        await foreach (var resolved in ResolveSubscriptionsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (resolved.Unreadable is { } pseudo)
            {
                yield return pseudo;
            }
            else if (!inScope.Contains(resolved.SubscriptionId!, StringComparer.OrdinalIgnoreCase))
            {
                inScope.Add(resolved.SubscriptionId!);
            }
        }

        var resourceGraphAnswered = false;
        if (_scope.UseResourceGraph && (_scope.IsTenant || inScope.Count > 0 || _scope.ManagementGroups.Count > 0))
        {
            resourceGraphAnswered = true;
            foreach (var query in BuildQueries(inScope))
            {
                await using var rows = _resourceGraph.QueryResourcesAsync(query, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    JsonElement row;
                    try
                    {
                        if (!await rows.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        row = rows.Current;
                    }
                    catch (RequestFailedException ex) when (ex.ErrorCode == "ResponsePayloadTooLarge")
                    {
                        LogResourceGraphTooLarge(ResourceGraphClient.PageSizeFloor, ex.Message);
                        resourceGraphAnswered = false;
                        break;
                    }
                    catch (RequestFailedException ex)
                    {
                        LogResourceGraphRefused(ex.Status, ex.ErrorCode ?? string.Empty, ArmErrors.Redact(ex.Message));
                        resourceGraphAnswered = false;
                        break;
                    }

                    if (ManagedCluster.FromGraphRow(row) is { } cluster && seen.Add(cluster.Key))
                    {
                        subscriptionsWithRows.Add(cluster.SubscriptionId);
                        yield return ToTarget(cluster);
                    }
                }

                if (!resourceGraphAnswered)
                {
                    break;
                }
            }
        }

        // Resource Graph refused: list every subscription through ARM. Answered: confirm the subscriptions it
        // returned nothing for (empty, or unreadable and silently filtered out).
        var toList = resourceGraphAnswered ? inScope.Where(s => !subscriptionsWithRows.Contains(s)).ToList() : inScope;
        await foreach (var listing in ListThroughArmAsync(toList, cancellationToken).ConfigureAwait(false))
        {
            if (listing.Failure is { } failure)
            {
                yield return failure;
                continue;
            }

            foreach (var cluster in listing.Clusters)
            {
                if (seen.Add(cluster.Key))
                {
                    yield return ToTarget(cluster);
                }
            }
        }
    }

    /// <summary>Maps a managed cluster to a scan target: identity, ARM network profile, access hints, skip reason.</summary>
    public static ClusterTarget ToTarget(ManagedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new ClusterTarget
        {
            Identity = new ClusterIdentity
            {
                Name = cluster.Name,
                ResourceId = cluster.Id,
                SubscriptionId = cluster.SubscriptionId,
                ResourceGroup = cluster.ResourceGroup,
                Location = cluster.Location,
                AzureTenantId = cluster.TenantId,
                KubernetesVersion = cluster.KubernetesVersion,
                Tags = cluster.Tags,
            },
            NetworkProfile = cluster.NetworkProfile,
            SkipReason = SkipReasonOf(cluster),
            Aks = AccessOf(cluster),
        };
    }

    private static string? SkipReasonOf(ManagedCluster cluster)
    {
        if (string.Equals(cluster.PowerState, "Stopped", StringComparison.OrdinalIgnoreCase))
        {
            return "the cluster is stopped (powerState Stopped): its API server is down; start it (az aks start) to scan it";
        }

        return cluster.ProvisioningState?.ToUpperInvariant() switch
        {
            // Failed: the last operation failed, but the cluster usually still serves; it is scanned and the report notes it.
            "DELETING" => "the cluster is being deleted (provisioningState Deleting)",
            "STOPPING" => "the cluster is stopping (provisioningState Stopping)",
            _ => null,
        };
    }

    private static AksAccess AccessOf(ManagedCluster cluster) => new()
    {
        PrivateCluster = cluster.PrivateCluster,
        EntraEnabled = cluster.EntraEnabled,
        AzureRbac = cluster.AzureRbac,
        LocalAccountsDisabled = cluster.LocalAccountsDisabled,
        RunCommandDisabled = cluster.RunCommandDisabled,
        Fqdn = NullIfEmpty(cluster.Fqdn),
        PrivateFqdn = NullIfEmpty(cluster.PrivateFqdn),
        PowerState = NullIfEmpty(cluster.PowerState),
        ProvisioningState = NullIfEmpty(cluster.ProvisioningState),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private IEnumerable<ResourceGraphQuery> BuildQueries(List<string> inScope)
    {
        if (_scope.IsTenant)
        {
            yield return new ResourceGraphQuery { Query = ClusterQuery };
            yield break;
        }

        if (_scope.Subscriptions.Count == 0)
        {
            yield return new ResourceGraphQuery { Query = ClusterQuery, ManagementGroups = _scope.ManagementGroups };
            yield break;
        }

        // Resource Graph guidance: fewer than 300 subscriptions per query.
        foreach (var chunk in inScope.Chunk(SubscriptionsPerQuery))
        {
            yield return new ResourceGraphQuery { Query = ClusterQuery, Subscriptions = chunk };
        }
    }

    private async IAsyncEnumerable<ResolvedSubscription> ResolveSubscriptionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var subscription in _scope.Subscriptions)
        {
            yield return new ResolvedSubscription(subscription.Trim(), null);
        }

        if (_scope.Subscriptions.Count > 0)
        {
            yield break;
        }

        if (_scope.IsTenant)
        {
            await foreach (var subscription in _subscriptions.GetSubscriptionsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (subscription.IsEnabled)
                {
                    yield return new ResolvedSubscription(subscription.SubscriptionId, null);
                }
                else
                {
                    LogSubscriptionNotEnabled(subscription.SubscriptionId, subscription.State ?? string.Empty);
                }
            }

            yield break;
        }

        foreach (var group in _scope.ManagementGroups)
        {
            var found = new List<string>();
            ClusterTarget? failure = null;
            try
            {
                await foreach (var subscription in _subscriptions.GetManagementGroupSubscriptionsAsync(group, cancellationToken).ConfigureAwait(false))
                {
                    found.Add(subscription.SubscriptionId);
                }
            }
            catch (RequestFailedException ex) when (ex.Status != 401)
            {
                failure = UnreadableScope(
                    $"management group {group}",
                    null,
                    $"/providers/Microsoft.Management/managementGroups/{group}",
                    $"the subscriptions of management group {group} could not be listed ({ArmErrors.Describe(ex)}); grant the identity Reader on the management group");
            }

            if (failure is not null)
            {
                yield return new ResolvedSubscription(null, failure);
                continue;
            }

            foreach (var subscription in found)
            {
                yield return new ResolvedSubscription(subscription, null);
            }
        }
    }

    /// <summary>
    /// Lists the clusters of each subscription through ARM, a bounded number at once, results in input order.
    /// </summary>
    private async IAsyncEnumerable<SubscriptionListing> ListThroughArmAsync(
        List<string> subscriptions,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = new Queue<Task<SubscriptionListing>>();
        var next = 0;
        while (next < subscriptions.Count || window.Count > 0)
        {
            while (next < subscriptions.Count && window.Count < _scope.MaxConcurrentSubscriptionLists)
            {
                window.Enqueue(ListOneAsync(subscriptions[next++], cancellationToken));
            }

            yield return await window.Dequeue().ConfigureAwait(false);
        }
    }

    private async Task<SubscriptionListing> ListOneAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var clusters = new List<ManagedCluster>();
        try
        {
            await foreach (var cluster in _clusters.GetManagedClustersAsync(subscriptionId, cancellationToken).ConfigureAwait(false))
            {
                clusters.Add(cluster);
            }

            return new SubscriptionListing(clusters, null);
        }
        catch (RequestFailedException ex) when (ex.Status != 401)
        {
            // 401 is not this subscription's: the token is refused everywhere, and ListAsync ends the inventory with it.
            LogSubscriptionUnreadable(subscriptionId, ex.Status, ex.ErrorCode ?? string.Empty);
            var advice = ex.Status switch
            {
                403 => "grant the identity Reader (Microsoft.ContainerService/managedClusters/read) on the subscription",
                404 => "check the subscription id and that it belongs to this tenant and cloud",
                _ => "retry later; if it persists, check the subscription's state",
            };
            return new SubscriptionListing(
                [],
                UnreadableScope(
                    $"subscription {subscriptionId}",
                    subscriptionId,
                    $"/subscriptions/{subscriptionId}",
                    $"the AKS clusters of subscription {subscriptionId} could not be listed ({ArmErrors.Describe(ex)}); {advice}"));
        }
    }

    private static ClusterTarget UnreadableScope(string name, string? subscriptionId, string resourceId, string reason) => new()
    {
        Identity = new ClusterIdentity { Name = name, SubscriptionId = subscriptionId, ResourceId = resourceId },
        UnreadableReason = reason,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "The Azure inventory failed (HTTP {Status}: {Detail})")]
    private partial void LogInventoryFailed(int status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resource Graph answers ResponsePayloadTooLarge even at {PageSizeFloor} rows a page ({Detail}); every subscription is listed through ARM instead, which is slower and costs one call per subscription")]
    private partial void LogResourceGraphTooLarge(int pageSizeFloor, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resource Graph refused the cluster query (HTTP {Status} {ErrorCode}: {Detail}); falling back to per-subscription ARM lists")]
    private partial void LogResourceGraphRefused(int status, string errorCode, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The AKS clusters of subscription {SubscriptionId} could not be listed (HTTP {Status} {ErrorCode})")]
    private partial void LogSubscriptionUnreadable(string subscriptionId, int status, string errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} is {State}; not scanned")]
    private partial void LogSubscriptionNotEnabled(string subscriptionId, string state);

    private sealed record ResolvedSubscription(string? SubscriptionId, ClusterTarget? Unreadable);

    private sealed record SubscriptionListing(IReadOnlyList<ManagedCluster> Clusters, ClusterTarget? Failure);
}
