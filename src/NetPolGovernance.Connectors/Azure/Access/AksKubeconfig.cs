using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.KubeConfigModels;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>
/// What the scanner takes from an AKS user kubeconfig (from <c>listClusterUserCredential</c>): the API server URL, the
/// cluster CA to verify TLS against, and the user's credential: a static token or client certificate for local
/// accounts, or an exec (kubelogin) user for Entra clusters, for which we mint the token ourselves. The kubeconfig is
/// parsed in memory; nothing is written to disk, nothing is executed.
/// </summary>
internal sealed class AksKubeconfig
{
    private AksKubeconfig(Uri server, X509Certificate2Collection certificateAuthority, UserCredentials? user)
    {
        Server = server;
        CertificateAuthority = certificateAuthority;
        User = user;
    }

    public Uri Server { get; }

    public X509Certificate2Collection CertificateAuthority { get; }

    public UserCredentials? User { get; }

    /// <summary>True when the user is an exec plugin (kubelogin): the credential is an Entra token.</summary>
    public bool UsesExec => User?.ExternalExecution is not null;

    public bool HasStaticCredential =>
        !string.IsNullOrEmpty(User?.Token) || (!string.IsNullOrEmpty(User?.ClientCertificateData) && !string.IsNullOrEmpty(User?.ClientKeyData));

    /// <summary>Parses the kubeconfig's current context. Throws <see cref="FormatException"/> naming what is missing.</summary>
    public static async Task<AksKubeconfig> ParseAsync(ReadOnlyMemory<byte> kubeconfig, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        K8SConfiguration config;
        try
        {
            using var stream = new MemoryStream(kubeconfig.ToArray(), writable: false);
            config = await KubernetesClientConfiguration.LoadKubeConfigAsync(stream).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new FormatException($"the kubeconfig returned by listClusterUserCredential is not valid YAML", ex);
        }

        var context = config.Contexts?.FirstOrDefault(c => c.Name == config.CurrentContext) ?? config.Contexts?.FirstOrDefault()
            ?? throw new FormatException("the kubeconfig has no context");
        var cluster = config.Clusters?.FirstOrDefault(c => c.Name == context.ContextDetails?.Cluster) ?? config.Clusters?.FirstOrDefault()
            ?? throw new FormatException("the kubeconfig has no cluster");
        var user = config.Users?.FirstOrDefault(u => u.Name == context.ContextDetails?.User)?.UserCredentials;
        var endpoint = cluster.ClusterEndpoint ?? throw new FormatException("the kubeconfig cluster has no endpoint");
        if (!Uri.TryCreate(endpoint.Server, UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps)
        {
            throw new FormatException("the kubeconfig cluster server is not an https URL");
        }

        if (string.IsNullOrEmpty(endpoint.CertificateAuthorityData))
        {
            throw new FormatException("the kubeconfig carries no certificate-authority-data (TLS could not be verified)");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(endpoint.CertificateAuthorityData)));
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new FormatException("the kubeconfig certificate-authority-data is not a base64 PEM certificate", ex);
        }

        if (authorities.Count == 0)
        {
            throw new FormatException("the kubeconfig certificate-authority-data holds no certificate");
        }

        return new AksKubeconfig(server, authorities, user);
    }
}
