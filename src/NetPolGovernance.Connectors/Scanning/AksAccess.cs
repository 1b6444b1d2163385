namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// How an AKS cluster can be reached, as the Azure inventory read it from ARM (never a secret): the facts the AKS
/// collector decides its access path from, and the facts a listing shows.
/// </summary>
public sealed record AksAccess
{
    /// <summary><c>apiServerAccessProfile.enablePrivateCluster</c>: the API server is reachable only from linked networks.</summary>
    public bool PrivateCluster { get; init; }

    /// <summary><c>aadProfile</c> is set: the API server takes Entra tokens (AKS-managed Entra integration).</summary>
    public bool EntraEnabled { get; init; }

    /// <summary><c>aadProfile.enableAzureRbac</c>: Kubernetes authorization through Azure RBAC.</summary>
    public bool AzureRbac { get; init; }

    /// <summary><c>disableLocalAccounts</c>: no static cluster credential is handed out.</summary>
    public bool LocalAccountsDisabled { get; init; }

    /// <summary><c>apiServerAccessProfile.disableRunCommand</c>: the runCommand API is refused on this cluster.</summary>
    public bool RunCommandDisabled { get; init; }

    /// <summary>The public API server FQDN, when there is one.</summary>
    public string? Fqdn { get; init; }

    /// <summary>The private API server FQDN of a private cluster.</summary>
    public string? PrivateFqdn { get; init; }

    /// <summary><c>powerState.code</c>: <c>Running</c> or <c>Stopped</c>.</summary>
    public string? PowerState { get; init; }

    /// <summary><c>provisioningState</c>, e.g. <c>Succeeded</c>, <c>Updating</c>, <c>Failed</c>.</summary>
    public string? ProvisioningState { get; init; }
}
