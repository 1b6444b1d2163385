using System.Net;
using k8s.Exceptions;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Connectors.Kubernetes.Objects;
using NetPolGovernance.Connectors.Kubernetes.Transport;

namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>
/// Turns what went wrong reading a cluster into one line a human can act on. The line names what was asked and
/// what to do; it never contains credentials (only the server URL, which is not secret).
/// </summary>
internal static class CollectionFailureReasons
{
    public const string RbacHint = "grant the ClusterRole in docs/rbac.md";

    /// <summary>The kind and reason of a failure, or null when the exception is not a cluster fault the collector knows.</summary>
    public static CollectionFailure? TryClassify(Exception exception, Uri? server = null) => exception switch
    {
        KubernetesApiException { StatusCode: HttpStatusCode.Unauthorized } api => new(
            FailureKind.Auth,
            $"unauthorized: the API server rejected the credentials (HTTP 401) to {api.Request}; refresh the kubeconfig credentials (for AKS: az aks get-credentials, with kubelogin for Entra ID clusters)"),
        KubernetesApiException { StatusCode: HttpStatusCode.Forbidden } api => new(
            FailureKind.Auth,
            $"forbidden: {api.Request}; {RbacHint}"),
        KubernetesApiException { StatusCode: HttpStatusCode.TooManyRequests } api => new(
            FailureKind.Throttled,
            $"throttled: {api.Request} kept answering 429 Too Many Requests after the retries; scan again later or lower --concurrency"),
        KubernetesApiException api => new(
            FailureKind.Other,
            $"API error: {api.Request} answered HTTP {(int)api.StatusCode} {api.StatusCode}{(api.ServerMessage is null ? string.Empty : ": " + api.ServerMessage)}"),
        ListExpiredException expired => new(
            FailureKind.Other,
            $"{expired.Message}; the cluster is changing faster than it can be listed, scan again or raise the page size"),
        ResponseLimitException limit => new(FailureKind.Limit, $"response limit: {limit.Message}"),
        TimeoutException timeout => new(FailureKind.Timeout, $"timeout: {timeout.Message}"),
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => new(
            FailureKind.Network,
            $"TLS: the API server{At(server)} presented a certificate that the kubeconfig's certificate-authority-data does not trust, or the TLS handshake failed; check the CA of the context"),
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => new(
            FailureKind.Network,
            $"DNS: the API server host{Host(server)} could not be resolved; check the server URL and the network (a private cluster needs its private DNS zone)"),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => new(
            FailureKind.Network,
            $"unreachable: no connection to the API server{At(server)}; check the network path, firewalls and the cluster's authorized IP ranges"),
        HttpRequestException http => new(
            FailureKind.Network,
            $"connection failed: the API server{At(server)} could not be read ({http.HttpRequestError}): {http.Message}"),
        HttpIOException broken => new(
            FailureKind.Network,
            $"connection failed: the API server{At(server)} broke off its response ({broken.HttpRequestError}) after the retries: {broken.Message}; check the network path and proxies, then scan again"),
        KubeConfigException config => new(
            FailureKind.Auth,
            $"credentials: the kubeconfig user could not produce credentials: {config.Message}"),
        IncompleteClusterReadException incomplete => new(FailureKind.Format, incomplete.Message),
        KubernetesObjectFormatException format => new(FailureKind.Format, $"unreadable object from the API server: {format.Message}"),
        InvalidOperationException { InnerException: System.Text.DecoderFallbackException } => new(
            FailureKind.Format,
            $"unreadable response from the API server{At(server)}: a string is not valid UTF-8"),
        System.Text.Json.JsonException json => new(FailureKind.Format, $"unreadable response from the API server{At(server)}: {json.Message}"),
        _ => null,
    };

    /// <summary>The reason for a failure, or null when the exception is not a cluster fault the collector knows.</summary>
    public static string? TryDescribe(Exception exception, Uri? server = null) => TryClassify(exception, server)?.Reason;

    /// <summary>As <see cref="TryClassify"/>, falling back to <see cref="FailureKind.Other"/> with the exception's message.</summary>
    public static CollectionFailure Classify(Exception exception, Uri? server = null) =>
        TryClassify(exception, server) ?? new CollectionFailure(FailureKind.Other, exception.Message);

    /// <summary>As <see cref="TryDescribe"/>, falling back to the exception message (the type goes to the debug log, never to a reason).</summary>
    public static string Describe(Exception exception, Uri? server = null) => Classify(exception, server).Reason;

    private static string At(Uri? server) => server is null ? string.Empty : $" at {server.GetLeftPart(UriPartial.Path).TrimEnd('/')}";

    private static string Host(Uri? server) => server is null ? string.Empty : $" {server.Host}";
}
