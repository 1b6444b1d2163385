using System.Text.RegularExpressions;
using Azure;
using Azure.Identity;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// The Azure inventory cannot start because the identity cannot sign in or may not list what is in scope. The
/// message is one line an operator can act on (what failed, the cloud, <c>az login</c> with the tenant when it is
/// known, or the role to grant): no exception type, no stack, no token. A host prints it as its error line (the CLI)
/// or reports it as the inventory's health (the Functions app); it never becomes a made-up cluster.
/// </summary>
public sealed partial class AzureSignInException : Exception
{
    public AzureSignInException()
    {
    }

    public AzureSignInException(string message)
        : base(message)
    {
    }

    public AzureSignInException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The credential could not get an ARM token (expired <c>az login</c>, no managed identity...).</summary>
    internal static AzureSignInException CredentialFailed(AuthenticationFailedException ex, string cloud)
    {
        var detail = Detail(ex.Message);
        return new AzureSignInException(
            $"could not sign in to Azure ({cloud}){detail}: run `az login` (or `az login --tenant <tenant id>` for another tenant) and retry; a service principal or managed identity needs AZURE_TENANT_ID and AZURE_CLIENT_ID",
            ex);
    }

    /// <summary>
    /// ARM answered 401 (a token for another tenant or audience, or an expired one) or 403 (the identity may not list
    /// the subscriptions or clusters in scope).
    /// </summary>
    internal static AzureSignInException Refused(RequestFailedException ex, string cloud)
    {
        var status = ArmErrors.Describe(ex);
        if (ex.Status == 401)
        {
            var tenant = ChallengedTenant(ex);
            var login = tenant is null ? "`az login --tenant <tenant id of the subscriptions>`" : $"`az login --tenant {tenant}`";
            return new AzureSignInException(
                $"Azure ({cloud}) refused the sign-in token ({status}): it is expired or for another tenant; run {login} and retry",
                ex);
        }

        return new AzureSignInException(
            $"the signed-in identity may not list the clusters in scope on Azure ({cloud}) ({status}): grant it Reader on the subscriptions to scan (or on their management group), then retry",
            ex);
    }

    /// <summary>The tenant ARM names in its 401 challenge (<c>authorization_uri="https://login.../{tenant}[/oauth2/authorize]"</c>), when it names one.</summary>
    private static string? ChallengedTenant(RequestFailedException ex)
    {
        if (ex.GetRawResponse() is not { } response || !response.Headers.TryGetValue("WWW-Authenticate", out var challenge) || challenge is null)
        {
            return null;
        }

        var match = AuthorizationUri().Match(challenge);
        if (!match.Success)
        {
            return null;
        }

        // The multi-tenant endpoints name no tenant.
        var tenant = match.Groups["tenant"].Value;
        return tenant.ToUpperInvariant() is "COMMON" or "ORGANIZATIONS" or "CONSUMERS" ? null : tenant;
    }

    /// <summary><c> (first line)</c> of the credential's message, or nothing when it names an exception type or is empty.</summary>
    private static string Detail(string message)
    {
        var line = ArmErrors.FirstLine(message);
        return line.Length == 0 || line.Contains("Exception", StringComparison.OrdinalIgnoreCase) ? string.Empty : $" ({line.TrimEnd('.')})";
    }

    [GeneratedRegex("authorization_uri=\"https://[^/\"]+/(?<tenant>[A-Za-z0-9.-]+)(?:/[^\"]*)?\"", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AuthorizationUri();
}
