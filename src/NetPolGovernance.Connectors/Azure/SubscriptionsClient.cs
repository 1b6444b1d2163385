using System.Text.Json;
using Azure;
using Azure.Core;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// Subscriptions the identity can see (<c>GET /subscriptions?api-version=2022-12-01</c>) and the subscriptions under a
/// management group (<c>GET /providers/Microsoft.Management/managementGroups/{id}/descendants?api-version=2023-04-01</c>),
/// both paged by following <c>nextLink</c>.
/// </summary>
public class SubscriptionsClient
{
    public const string SubscriptionsApiVersion = "2022-12-01";
    public const string ManagementGroupsApiVersion = "2023-04-01";

    private readonly ArmRequestSender _sender;

    public SubscriptionsClient(TokenCredential credential, AzureManagementClientOptions? options = null)
        : this(new ArmRequestSender(credential, options ?? new AzureManagementClientOptions()))
    {
    }

    internal SubscriptionsClient(ArmRequestSender sender)
    {
        _sender = sender;
    }

    /// <summary>For mocking.</summary>
    protected SubscriptionsClient()
    {
        _sender = null!;
    }

    public virtual int Calls => _sender.Calls;

    public virtual AsyncPageable<AzureSubscription> GetSubscriptionsAsync(CancellationToken cancellationToken = default) =>
        new DelegatingAsyncPageable<AzureSubscription>(
            (link, ct) => ArmPaging.GetPageAsync(
                _sender,
                link ?? $"subscriptions?api-version={SubscriptionsApiVersion}",
                AzureSubscription.FromJson,
                ct),
            cancellationToken);

    /// <summary>The subscriptions anywhere below <paramref name="managementGroupId"/> (nested groups included).</summary>
    public virtual AsyncPageable<AzureSubscription> GetManagementGroupSubscriptionsAsync(string managementGroupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(managementGroupId);
        var first = $"providers/Microsoft.Management/managementGroups/{Uri.EscapeDataString(managementGroupId)}/descendants?api-version={ManagementGroupsApiVersion}";
        return new DelegatingAsyncPageable<AzureSubscription>(
            (link, ct) => ArmPaging.GetPageAsync(_sender, link ?? first, AzureSubscription.FromDescendant, ct),
            cancellationToken);
    }
}

/// <summary>A subscription. <see cref="State"/> is as ARM spells it (<c>Enabled</c>, <c>Disabled</c>, ...); null when not reported.</summary>
public sealed record AzureSubscription(string SubscriptionId, string? DisplayName, string? TenantId, string? State)
{
    public bool IsEnabled => State is null || string.Equals(State, "Enabled", StringComparison.OrdinalIgnoreCase)
        || string.Equals(State, "Warned", StringComparison.OrdinalIgnoreCase)
        || string.Equals(State, "PastDue", StringComparison.OrdinalIgnoreCase);

    internal static AzureSubscription? FromJson(JsonElement item)
    {
        var id = Json.String(item, "subscriptionId") ?? ArmResourceId.SubscriptionOf(Json.String(item, "id"));
        return id is null ? null : new AzureSubscription(id, Json.String(item, "displayName"), Json.String(item, "tenantId"), Json.String(item, "state"));
    }

    internal static AzureSubscription? FromDescendant(JsonElement item)
    {
        var type = Json.String(item, "type");
        if (type is null || !type.EndsWith("/subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var name = Json.String(item, "name");
        var displayName = item.TryGetProperty("properties", out var properties) ? Json.String(properties, "displayName") : null;
        return name is null ? null : new AzureSubscription(name, displayName, null, null);
    }
}

/// <summary>ARM list paging: <c>{ value: [...], nextLink }</c>; nextLink is followed verbatim (it stays on the ARM host).</summary>
internal static class ArmPaging
{
    public static async Task<Page<T>> GetPageAsync<T>(
        ArmRequestSender sender,
        string link,
        Func<JsonElement, T?> map,
        CancellationToken cancellationToken)
        where T : class
    {
        var uri = link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? sender.ResolveServiceLink(link) : sender.Resolve(link);
        var result = await sender.SendAsync(RequestMethod.Get, uri, body: null, cancellationToken).ConfigureAwait(false);
        using var document = result.ParseJson();
        var items = new List<T>();
        if (document.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in value.EnumerateArray())
            {
                if (map(element) is { } item)
                {
                    items.Add(item);
                }
            }
        }

        var next = Json.String(document.RootElement, "nextLink");
        if (next is not null && !next.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Not a URL (the public example carries "..."): there is no next page we could follow.
            next = null;
        }

        return Page<T>.FromValues(items, next, result.Response);
    }
}

/// <summary>Small JSON readers that accept absent and null alike.</summary>
internal static class Json
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static bool? Bool(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => null,
        };
    }

    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;
}

/// <summary>Reads the parts of an ARM resource id (<c>/subscriptions/{s}/resourceGroups/{rg}/providers/...</c>), case-insensitively.</summary>
internal static class ArmResourceId
{
    public static string? SubscriptionOf(string? id) => Segment(id, "subscriptions");

    public static string? ResourceGroupOf(string? id) => Segment(id, "resourceGroups");

    private static string? Segment(string? id, string name)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (string.Equals(parts[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return parts[i + 1];
            }
        }

        return null;
    }
}
