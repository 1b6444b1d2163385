using System.Text.RegularExpressions;

namespace NetPolGovernance.Connectors.Kubernetes.Transport;

/// <summary>
/// Removes credentials from text a server sent back (a Kubernetes <c>Status.message</c>, an ARM or Logs Ingestion
/// error, a reason phrase, a body excerpt) before it reaches a report, a log or the terminal: every
/// <c>Bearer …</c> / <c>Basic …</c> value, every JWT (<c>eyJ….….…</c>), the value of every SAS-like
/// <c>sig=</c>, <c>signature=</c>, <c>token=</c>, <c>access_token=</c>, <c>client_secret=</c> or
/// <c>password=</c> parameter, and each known secret (the token the request carried) wherever it appears, become
/// <c>[redacted]</c>.
/// </summary>
public static partial class CredentialRedaction
{
    /// <summary>What a removed credential is replaced with.</summary>
    public const string Marker = "[redacted]";

    /// <summary><paramref name="text"/> without authorization values or any of <paramref name="secrets"/> (secrets shorter than 8 characters are ignored).</summary>
    public static string? Redact(string? text, params IEnumerable<string?> secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            if (secret is { Length: >= 8 })
            {
                text = text.Replace(secret, Marker, StringComparison.Ordinal);
            }
        }

        text = AuthorizationValue().Replace(text, match => $"{match.Groups["scheme"].Value} {Marker}");
        text = SecretParameter().Replace(text, match => $"{match.Groups["name"].Value}{match.Groups["sep"].Value}{Marker}");
        return Jwt().Replace(text, Marker);
    }

    [GeneratedRegex(@"(?<name>\b(?:sig|signature|token|access_token|refresh_token|id_token|client_secret|password))(?<sep>\s*[=:]\s*)(?!\[redacted\])[^&\s""',;)]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic))\s+(?!\[redacted\])[A-Za-z0-9\-._~+/=:]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AuthorizationValue();
}
