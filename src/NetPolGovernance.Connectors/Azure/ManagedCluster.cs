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

    /// <summary>The cluster's ARM tags (a namespace owner's last fallback); empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyLabels.Instance;

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
                AdvancedNetworking = ReadAdvancedNetworking(Json.Object(network, "advancedNetworking")),
            },
            Fqdn = Json.String(properties, "fqdn"),
            PrivateFqdn = Json.String(properties, "privateFQDN"),
            PrivateCluster = Json.Bool(apiServer, "enablePrivateCluster") ?? false,
            EntraEnabled = aad is not null,
            AzureRbac = aad is { } rbac && (Json.Bool(rbac, "enableAzureRBAC") ?? false),
            LocalAccountsDisabled = Json.Bool(properties, "disableLocalAccounts") ?? false,
            RunCommandDisabled = Json.Bool(apiServer, "disableRunCommand") ?? false,
            Tags = ReadTags(resource),
        };
    }

    /// <summary>The <c>tags</c> object (ARM resource and Resource Graph row alike); a non-string value keeps its JSON text.</summary>
    internal static IReadOnlyDictionary<string, string> ReadTags(JsonElement resource)
    {
        if (Json.Object(resource, "tags") is not { ValueKind: JsonValueKind.Object } written)
        {
            return EmptyLabels.Instance;
        }

        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in written.EnumerateObject())
        {
            tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()! : tag.Value.GetRawText();
        }

        return tags;
    }

    internal static AdvancedNetworking? ReadAdvancedNetworking(JsonElement? advanced)
    {
        if (advanced is not { ValueKind: JsonValueKind.Object } acns)
        {
            return null;
        }

        var observability = Json.Object(acns, "observability");
        var security = Json.Object(acns, "security");
        return new AdvancedNetworking
        {
            Enabled = Json.Bool(acns, "enabled") ?? false,
            ObservabilityEnabled = observability is { } o && (Json.Bool(o, "enabled") ?? false),
            SecurityEnabled = security is { } s && (Json.Bool(s, "enabled") ?? false),
            AdvancedNetworkPolicies = security is { } p ? Json.String(p, "advancedNetworkPolicies") : null,
        };
    }

    /// <summary>
    /// A row of <see cref="AzureClusterInventory.ClusterQuery"/>: flat columns (not <c>properties</c>). Node pool OS
    /// types come from the pool count and whether any pool is Windows (an AKS cluster always has a Linux system pool).
    /// </summary>
    internal static ManagedCluster? FromGraphRow(JsonElement row)
    {
        var id = Json.String(row, "id");
        var subscriptionId = Json.String(row, "subscriptionId") ?? ArmResourceId.SubscriptionOf(id);
        if (id is null || subscriptionId is null)
        {
            return null;
        }

        var pools = row.TryGetProperty("nodePools", out var count) && count.TryGetInt32(out var n) ? n : 0;
        IReadOnlyList<string> osTypes = pools == 0 ? [] : (Json.Bool(row, "windowsPools") ?? false) ? ["Linux", "Windows"] : ["Linux"];
        return new ManagedCluster
        {
            Id = id,
            Name = NullIfEmpty(Json.String(row, "name")) ?? id[(id.LastIndexOf('/') + 1)..],
            SubscriptionId = subscriptionId,
            ResourceGroup = NullIfEmpty(Json.String(row, "resourceGroup")) ?? ArmResourceId.ResourceGroupOf(id),
            Location = NullIfEmpty(Json.String(row, "location")),
            TenantId = NullIfEmpty(Json.String(row, "tenantId")),
            KubernetesVersion = NullIfEmpty(Json.String(row, "kubernetesVersion")),
            ProvisioningState = NullIfEmpty(Json.String(row, "provisioningState")),
            PowerState = NullIfEmpty(Json.String(row, "powerState")),
            NetworkProfile = new ClusterNetworkProfile
            {
                NetworkPlugin = NullIfEmpty(Json.String(row, "networkPlugin")),
                NetworkPluginMode = NullIfEmpty(Json.String(row, "networkPluginMode")),
                NetworkPolicy = NullIfEmpty(Json.String(row, "networkPolicy")),
                NetworkDataplane = NullIfEmpty(Json.String(row, "networkDataplane")),
                NodePoolOsTypes = osTypes,
                AdvancedNetworking = ReadAdvancedNetworking(Json.Object(row, "advancedNetworking")),
            },
            Fqdn = NullIfEmpty(Json.String(row, "fqdn")),
            PrivateFqdn = NullIfEmpty(Json.String(row, "privateFqdn")),
            PrivateCluster = Json.Bool(row, "privateCluster") ?? false,
            EntraEnabled = Json.Bool(row, "entraEnabled") ?? false,
            AzureRbac = Json.Bool(row, "azureRbac") ?? false,
            LocalAccountsDisabled = Json.Bool(row, "disableLocalAccounts") ?? false,
            RunCommandDisabled = Json.Bool(row, "disableRunCommand") ?? false,
            Tags = ReadTags(row),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

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
