using k8s;

namespace NetPolGovernance.Connectors.Kubernetes.Transport;

/// <summary>
/// The one transport rule for every path that talks to a cluster (<c>scan --kubeconfig</c>, <c>reach</c>,
/// <c>remediate</c>, <c>remediate --apply</c>, the AKS collector): the API server URL is <c>https</c>, the server
/// certificate is verified (never <c>insecure-skip-tls-verify</c>), against the kubeconfig's CA when it has one and
/// against the system trust store when it has none. A configuration that breaks the rule is refused before a client
/// is built, so no credential (token, client certificate, exec plugin output) is ever sent, or even produced, for it.
/// Every caller reports the same message: the collector as the cluster's Unknown reason, the applier as exit 1.
/// </summary>
public static class ClusterTransportPolicy
{
    /// <summary>The refusal for <c>insecure-skip-tls-verify: true</c>.</summary>
    public const string SkipTlsVerifyRefused =
        "TLS: the kubeconfig context sets insecure-skip-tls-verify; netpolgov always verifies the API server certificate: put the cluster CA in certificate-authority-data";

    /// <summary>
    /// Null when <paramref name="configuration"/> may be used, else the reason it may not (one line, no secrets).
    /// Checks the server URL and the TLS setting only; it reads no credential.
    /// </summary>
    public static string? Refusal(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Refusal(configuration.Host, configuration.SkipTlsVerify);
    }

    /// <summary>The same rule on the raw kubeconfig values (server URL, <c>insecure-skip-tls-verify</c>).</summary>
    public static string? Refusal(string? server, bool skipTlsVerify)
    {
        if (skipTlsVerify)
        {
            return SkipTlsVerifyRefused;
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri))
        {
            return "TLS: the API server URL is missing or not an absolute https URL; netpolgov sends credentials only over verified TLS";
        }

        if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return $"TLS: the API server URL {uri.GetLeftPart(UriPartial.Authority)} is not https; netpolgov sends credentials only over verified TLS: use the cluster's https endpoint";
        }

        return null;
    }

    /// <summary>Throws <see cref="ClusterTransportException"/> with <see cref="Refusal(KubernetesClientConfiguration)"/>'s reason.</summary>
    public static void Enforce(KubernetesClientConfiguration configuration)
    {
        if (Refusal(configuration) is { } reason)
        {
            throw new ClusterTransportException(reason);
        }
    }
}

/// <summary>A cluster connection was refused by <see cref="ClusterTransportPolicy"/>; the message is the refusal.</summary>
public sealed class ClusterTransportException : Exception
{
    public ClusterTransportException()
    {
    }

    public ClusterTransportException(string message)
        : base(message)
    {
    }

    public ClusterTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
