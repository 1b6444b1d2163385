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
