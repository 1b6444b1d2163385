using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Azure;

/// <summary>Builds the credential and ARM client options for a command line. The seam tests replace to point at loopback servers.</summary>
internal interface IAzureClientFactory
{
    AzureConnection Create(AzureConnectionSettings settings);
}

/// <summary>What one Azure command talks to Azure with: one credential and the ARM clients' options.</summary>
internal sealed record AzureConnection(TokenCredential Credential, AzureManagementClientOptions Options)
{
    /// <summary>The shared composition of the Azure fleet scan (<see cref="AzureFleetScan"/>) on this connection.</summary>
    public AzureFleetScan CreateFleetScan(AzureInventoryScope scope, IKubernetesClusterReader reader, ILoggerFactory loggerFactory) =>
        new(Credential, Options, new AksCollectorOptions(), scope, reader, loggerFactory);
}

/// <summary>
/// <see cref="DefaultAzureCredential"/> (so <c>az login</c>, environment credentials and managed identity all work)
/// with the cloud's sign-in authority, and the clients on the cloud's ARM endpoint.
/// </summary>
internal sealed class DefaultAzureClientFactory : IAzureClientFactory
{
    public AzureConnection Create(AzureConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var credentialOptions = new DefaultAzureCredentialOptions();
        if (settings.Cloud.AuthorityHost is { } authority)
        {
            credentialOptions.AuthorityHost = authority;
        }

        return new AzureConnection(new DefaultAzureCredential(credentialOptions), new AzureManagementClientOptions { Cloud = settings.Cloud });
    }
}
