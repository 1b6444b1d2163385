using System.Net.Http.Headers;
using Azure.Core;
using k8s.Authentication;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>
/// Bearer tokens for AKS API servers on Entra clusters: the scan's own <see cref="TokenCredential"/> asked for
/// <c>6dae42f8-4368-4678-94ff-3960e28e3630/.default</c>, cached and refreshed five minutes before expiry (or at the
/// credential's RefreshOn). The token is never logged.
/// </summary>
internal sealed class EntraTokenProvider : ITokenProvider, IDisposable
{
    private static readonly TimeSpan s_refreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _request;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _current;

    public EntraTokenProvider(TokenCredential credential, TimeProvider timeProvider, string scope)
    {
        _credential = credential;
        _timeProvider = timeProvider;
        _request = new TokenRequestContext([scope]);
    }

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        return new AuthenticationHeaderValue("Bearer", token.Token);
    }

    /// <summary>The current token, fetched or refreshed when due.</summary>
    public async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && !IsDue(cached))
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } again && !IsDue(again))
            {
                return again;
            }

            var fresh = await _credential.GetTokenAsync(_request, cancellationToken).ConfigureAwait(false);
            _current = fresh;
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private bool IsDue(AccessToken token)
    {
        var now = _timeProvider.GetUtcNow();
        return now >= token.ExpiresOn - s_refreshMargin || (token.RefreshOn is { } refreshOn && now >= refreshOn);
    }
}
