namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// What an Azure inventory covers: explicit subscriptions, management groups (every subscription below them), or,
/// when both are empty, every subscription the identity can see (the tenant).
/// </summary>
public sealed record AzureInventoryScope
{
    public IReadOnlyList<string> Subscriptions { get; init; } = [];

    public IReadOnlyList<string> ManagementGroups { get; init; } = [];

    /// <summary>Query Resource Graph first (default). False goes straight to the per-subscription ARM lists.</summary>
    public bool UseResourceGraph { get; init; } = true;

    /// <summary>Per-subscription ARM lists in flight at once (fallback and verification). Default 8.</summary>
    public int MaxConcurrentSubscriptionLists { get; init; } = 8;

    public bool IsTenant => Subscriptions.Count == 0 && ManagementGroups.Count == 0;
}

/// <summary>Keys of the non-secret <see cref="Scanning.ClusterTarget.AccessHints"/> the Azure inventory sets for the AKS collector.</summary>
public static class AksAccessHints
{
    public const string PrivateCluster = "privateCluster";
    public const string EntraEnabled = "aadEnabled";
    public const string AzureRbac = "azureRbac";
    public const string LocalAccountsDisabled = "localAccountsDisabled";
    public const string RunCommandDisabled = "disableRunCommand";
    public const string Fqdn = "fqdn";
    public const string PrivateFqdn = "privateFqdn";
    public const string PowerState = "powerState";
    public const string ProvisioningState = "provisioningState";

    public static bool IsTrue(IReadOnlyDictionary<string, string> hints, string key) =>
        hints.TryGetValue(key, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
