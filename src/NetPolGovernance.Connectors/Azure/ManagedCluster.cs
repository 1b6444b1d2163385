using System.Text.Json;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// An AKS managed cluster, reduced to what the scanner reads. Built from an ARM <c>ManagedCluster</c> (list or get,
/// api-version 2025-10-01) or from a Resource Graph <c>Resources</c> row, which has the same <c>id</c>, <c>name</c>,
/// <c>location</c> and <c>properties</c> plus <c>tenantId</c>. Enum values are kept as written (modelAsString).
/// </summary>
public sealed record ManagedCluster
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public string? Location { get; init; }

    public string? TenantId { get; init; }

    public string? KubernetesVersion { get; init; }

    public string? ProvisioningState { get; init; }

    /// <summary><c>Running</c> or <c>Stopped</c>; null when ARM did not report it.</summary>
    public string? PowerState { get; init; }

    public required ClusterNetworkProfile NetworkProfile { get; init; }

    public string? Fqdn { get; init; }

    public string? PrivateFqdn { get; init; }

    public bool PrivateCluster { get; init; }

    /// <summary>True when <c>aadProfile</c> is present (managed Entra ID integration).</summary>
    public bool EntraEnabled { get; init; }

    public bool AzureRbac { get; init; }

    public bool LocalAccountsDisabled { get; init; }

    public bool RunCommandDisabled { get; init; }

    /// <summary>The lower-cased resource id: the key that keeps one cluster from being counted twice.</summary>
    public string Key => Id.ToLowerInvariant();

    internal static ManagedCluster? FromJson(JsonElement resource)
    {
        var id = Json.String(resource, "id");
        var subscriptionId = Json.String(resource, "subscriptionId") ?? ArmResourceId.SubscriptionOf(id);
        if (id is null || subscriptionId is null)
        {
            return null;
        }

        var name = Json.String(resource, "name") ?? id[(id.LastIndexOf('/') + 1)..];
        var properties = Json.Object(resource, "properties") ?? default;
        var network = Json.Object(properties, "networkProfile") ?? default;
        var aad = Json.Object(properties, "aadProfile");
        var apiServer = Json.Object(properties, "apiServerAccessProfile") ?? default;
        var powerState = Json.Object(properties, "powerState") is { } power ? Json.String(power, "code") : null;

        return new ManagedCluster
        {
            Id = id,
            Name = name,
            SubscriptionId = subscriptionId,
            ResourceGroup = Json.String(resource, "resourceGroup") ?? ArmResourceId.ResourceGroupOf(id),
            Location = Json.String(resource, "location"),
            TenantId = Json.String(resource, "tenantId") ?? (aad is { } a ? Json.String(a, "tenantID") : null),
            KubernetesVersion = Json.String(properties, "currentKubernetesVersion") ?? Json.String(properties, "kubernetesVersion"),
            ProvisioningState = Json.String(properties, "provisioningState"),
            PowerState = powerState,
            NetworkProfile = new ClusterNetworkProfile
            {
                NetworkPlugin = Json.String(network, "networkPlugin"),
                NetworkPluginMode = Json.String(network, "networkPluginMode"),
                NetworkPolicy = Json.String(network, "networkPolicy"),
                NetworkDataplane = Json.String(network, "networkDataplane"),
                NodePoolOsTypes = ReadOsTypes(properties),
            },
            Fqdn = Json.String(properties, "fqdn"),
            PrivateFqdn = Json.String(properties, "privateFQDN"),
            PrivateCluster = Json.Bool(apiServer, "enablePrivateCluster") ?? false,
            EntraEnabled = aad is not null,
            AzureRbac = aad is { } rbac && (Json.Bool(rbac, "enableAzureRBAC") ?? false),
            LocalAccountsDisabled = Json.Bool(properties, "disableLocalAccounts") ?? false,
            RunCommandDisabled = Json.Bool(apiServer, "disableRunCommand") ?? false,
        };
    }

    private static IReadOnlyList<string> ReadOsTypes(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object
            || !properties.TryGetProperty("agentPoolProfiles", out var pools)
            || pools.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var types = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pool in pools.EnumerateArray())
        {
            // osType defaults to Linux in the API.
            types.Add(Json.String(pool, "osType") ?? "Linux");
        }

        return [.. types];
    }
}
