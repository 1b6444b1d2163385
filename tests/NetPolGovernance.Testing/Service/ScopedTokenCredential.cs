using Azure.Core;

namespace NetPolGovernance.Testing.Service;

/// <summary>
/// One credential for a whole composed app, as the managed identity is in Azure, that asks a different loopback
/// credential per audience: storage, Azure Monitor (Logs Ingestion), and ARM for everything else.
/// </summary>
public sealed class ScopedTokenCredential(TokenCredential storage, TokenCredential monitor, TokenCredential arm) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        For(requestContext).GetToken(requestContext, cancellationToken);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        For(requestContext).GetTokenAsync(requestContext, cancellationToken);

    private TokenCredential For(TokenRequestContext context)
    {
        var scopes = string.Join(' ', context.Scopes);
        return scopes.Contains("storage.azure.com", StringComparison.OrdinalIgnoreCase) ? storage
            : scopes.Contains("monitor.azure", StringComparison.OrdinalIgnoreCase) ? monitor
            : arm;
    }
}
