using System.Text;
using System.Text.Json;
using Azure.Core;

namespace NetPolGovernance.Testing.Storage;

/// <summary>
/// Hands Azurite (started with <c>--oauth basic</c>) an Entra-shaped bearer token: Azurite checks issuer, audience
/// and lifetime, not the signature. The storage clients therefore run the same bearer-token pipeline as in Azure.
/// </summary>
public sealed class AzuriteTokenCredential : TokenCredential
{
    private readonly TimeProvider _time;

    public AzuriteTokenCredential(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var expires = now.AddHours(1);
        var header = Encode(new { alg = "RS256", typ = "JWT" });
        var payload = Encode(new
        {
            aud = "https://storage.azure.com",
            iss = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
            iat = now.AddMinutes(-5).ToUnixTimeSeconds(),
            nbf = now.AddMinutes(-5).ToUnixTimeSeconds(),
            exp = expires.ToUnixTimeSeconds(),
            oid = "00000000-0000-0000-0000-0000000000aa",
            tid = "72f988bf-86f1-41af-91ab-2d7cd011db47",
        });
        return new AccessToken($"{header}.{payload}.c2lnbmF0dXJl", expires);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    private static string Encode<T>(T value) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
