using System.Text.RegularExpressions;

namespace NetPolGovernance.Connectors.Kubernetes.Transport;

/// <summary>
/// Removes credentials from text a server sent back (an error's <c>Status.message</c>, a reason phrase, a body
/// excerpt) before it reaches a report, a log or the terminal: every <c>Bearer …</c> / <c>Basic …</c> value, and
/// each known secret (the token the request carried) wherever it appears, become <c>[redacted]</c>.
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

        return AuthorizationValue().Replace(text, match => $"{match.Groups["scheme"].Value} {Marker}");
    }

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic))\s+(?!\[redacted\])[A-Za-z0-9\-._~+/=:]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AuthorizationValue();
}
