using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Azure;

/// <summary>Builds the Azure clients for a command line. The seam tests replace to point at loopback servers.</summary>
internal interface IAzureClientFactory
{
    AzureClients Create(AzureConnectionSettings settings);
}

/// <summary>The clients one Azure command uses, sharing one credential.</summary>
internal sealed record AzureClients(
    TokenCredential Credential,
    ResourceGraphClient ResourceGraph,
    SubscriptionsClient Subscriptions,
    ManagedClustersClient ManagedClusters)
{
    public AzureClusterInventory CreateInventory(AzureInventoryScope scope, ILoggerFactory loggerFactory) =>
        new(ResourceGraph, Subscriptions, ManagedClusters, scope, loggerFactory.CreateLogger<AzureClusterInventory>());

    public AksSnapshotCollector CreateCollector(IKubernetesClusterReader reader, ILoggerFactory loggerFactory) =>
        new(ManagedClusters, Credential, reader, new AksCollectorOptions(), loggerFactory.CreateLogger<AksSnapshotCollector>());
}

/// <summary>
/// <see cref="DefaultAzureCredential"/> (so <c>az login</c>, environment credentials and managed identity all work)
/// with the cloud's sign-in authority, and the clients on the cloud's ARM endpoint.
/// </summary>
internal sealed class DefaultAzureClientFactory : IAzureClientFactory
{
    public AzureClients Create(AzureConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var credentialOptions = new DefaultAzureCredentialOptions();
        if (settings.Cloud.AuthorityHost is { } authority)
        {
            credentialOptions.AuthorityHost = authority;
        }

        var credential = new DefaultAzureCredential(credentialOptions);
        var options = new AzureManagementClientOptions { Cloud = settings.Cloud };
        return new AzureClients(
            credential,
            new ResourceGraphClient(credential, options),
            new SubscriptionsClient(credential, options),
            new ManagedClustersClient(credential, options));
    }
}
