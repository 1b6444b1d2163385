using k8s;
using k8s.Exceptions;

namespace NetPolGovernance.Connectors.Remediation;

/// <summary>A KubernetesClient for one named kubeconfig context (TLS verified against the kubeconfig's CA).</summary>
public static class KubeconfigClients
{
    /// <summary>
    /// Builds a client for <paramref name="context"/> from <paramref name="kubeconfigPath"/>, or from <c>KUBECONFIG</c>'s
    /// first file, or <c>~/.kube/config</c>. Throws <see cref="KubeconfigClientException"/> naming the file and context.
    /// </summary>
    public static async Task<IKubernetes> ForContextAsync(string? kubeconfigPath, string context, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        var path = kubeconfigPath
            ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!File.Exists(path))
        {
            throw new KubeconfigClientException($"kubeconfig {path}: file not found");
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var configuration = await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(new FileInfo(path), context).ConfigureAwait(false);
            return new k8s.Kubernetes(configuration);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or FormatException or YamlDotNet.Core.YamlException)
        {
            throw new KubeconfigClientException($"kubeconfig {path}, context {context}: {ex.Message}", ex);
        }
    }
}

/// <summary>A kubeconfig file or context that cannot give a client.</summary>
public sealed class KubeconfigClientException : Exception
{
    public KubeconfigClientException()
    {
    }

    public KubeconfigClientException(string message)
        : base(message)
    {
    }

    public KubeconfigClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
