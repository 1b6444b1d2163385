using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;

namespace NetPolGovernance.Simulator.Azure;

/// <summary>
/// Our composition seam for tests: a <see cref="TokenCredential"/> that hands out a fixed token and records the
/// scopes it was asked for. <see cref="Failure"/> makes it fail the way a real credential does (expired login,
/// missing managed identity) with <see cref="AuthenticationFailedException"/>.
/// </summary>
public sealed class StaticTokenCredential : TokenCredential
{
    private readonly ConcurrentQueue<string> _scopes = new();

    public StaticTokenCredential(string token, TimeSpan? lifetime = null, TimeProvider? timeProvider = null)
    {
        Token = token;
        Lifetime = lifetime ?? TimeSpan.FromHours(1);
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Token { get; }

    public TimeSpan Lifetime { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>When set, token requests fail with this message (all of them, or only those for <see cref="FailingScope"/>).</summary>
    public string? Failure { get; init; }

    /// <summary>When set, only requests for this scope fail with <see cref="Failure"/>.</summary>
    public string? FailingScope { get; init; }

    /// <summary>Scopes requested so far, in order (one entry per request, scopes joined by a space).</summary>
    public IReadOnlyList<string> RequestedScopes => [.. _scopes];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        _scopes.Enqueue(string.Join(' ', requestContext.Scopes));
        if (Failure is not null && (FailingScope is null || requestContext.Scopes.Contains(FailingScope, StringComparer.Ordinal)))
        {
            throw new AuthenticationFailedException(Failure);
        }

        return new AccessToken(Token, TimeProvider.GetUtcNow() + Lifetime);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
