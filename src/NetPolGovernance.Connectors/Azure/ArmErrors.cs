using System.Globalization;
using Azure;
using Azure.Identity;
using NetPolGovernance.Connectors.Kubernetes.Transport;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// The one place that turns an Azure failure into the human reason a report or an error line carries, so every
/// ARM, Resource Graph and AKS call describes a refusal the same way: <c>HTTP 403 AuthorizationFailed: The client
/// ... does not have authorization ...</c> (status, ARM error code, first line of the service's message). A service
/// that echoes the request (its Authorization header, a SAS URL) has the credential removed
/// (<see cref="CredentialRedaction"/>) before the line reaches a report or a log.
/// </summary>
internal static class ArmErrors
{
    private const int MaxDetailLength = 200;

    // What Azure.Core puts first when the response carried no error message of its own.
    private const string GenericFirstLine = "Service request failed.";

    /// <summary>
    /// <c>HTTP {status} {code}: {first line}</c>; the code and the line are left out when the service gave none, and a
    /// failure without a response (status 0) reads <c>no response: {first line}</c>.
    /// </summary>
    public static string Describe(RequestFailedException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var detail = FirstLine(ex.Message);
        if (ex.Status == 0)
        {
            return detail.Length == 0 ? "no response" : $"no response: {detail}";
        }

        var errorCode = ex.ErrorCode is null ? null : Redact(ex.ErrorCode);
        var head = string.IsNullOrEmpty(errorCode)
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {ex.Status}")
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {ex.Status} {errorCode}");
        return detail.Length == 0 || string.Equals(detail, GenericFirstLine, StringComparison.Ordinal) || string.Equals(detail, errorCode, StringComparison.Ordinal)
            ? head
            : $"{head}: {detail}";
    }

    /// <summary>The reason when the Azure credential could not get a token for <paramref name="audience"/>, with what to do.</summary>
    public static string CredentialFailure(AuthenticationFailedException ex, string audience)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return $"the Azure credential could not get a token for {audience} ({FirstLine(ex.Message)}): sign in again (az login) or check the managed identity";
    }

    /// <summary>The first line of <paramref name="text"/>, credentials removed, trimmed and cut to 200 characters.</summary>
    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = Redact(text.Split('\n', 2)[0].Trim());
        return line.Length > MaxDetailLength ? line[..MaxDetailLength] + "…" : line;
    }

    /// <summary><paramref name="text"/> (a service's message, for a log) with credentials removed.</summary>
    public static string Redact(string text) => CredentialRedaction.Redact(text) ?? string.Empty;
}
