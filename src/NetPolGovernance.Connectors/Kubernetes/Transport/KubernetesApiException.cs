using System.Net;

namespace NetPolGovernance.Connectors.Kubernetes.Transport;

/// <summary>
/// The API server answered a request with an error status (after retries). <see cref="ServerMessage"/> is the
/// <c>Status.message</c> of the body, when there was one, with credentials removed by
/// <see cref="CredentialRedaction"/> (the client redacts before constructing it; the constructor redacts
/// <c>Bearer …</c> values again). Carries no credentials.
/// </summary>
internal sealed class KubernetesApiException : Exception
{
    public KubernetesApiException(HttpStatusCode statusCode, string request, string? serverMessage)
        : base($"{request}: HTTP {(int)statusCode} {statusCode}{(serverMessage is null ? string.Empty : ": " + CredentialRedaction.Redact(serverMessage))}")
    {
        StatusCode = statusCode;
        Request = request;
        ServerMessage = CredentialRedaction.Redact(serverMessage);
    }

    public KubernetesApiException()
    {
        Request = string.Empty;
    }

    public KubernetesApiException(string message)
        : base(message)
    {
        Request = string.Empty;
    }

    public KubernetesApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Request = string.Empty;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>What was asked, e.g. <c>list pods at cluster scope</c>.</summary>
    public string Request { get; }

    public string? ServerMessage { get; }
}

/// <summary>A list kept failing with 410 Gone (its continue token expired) more often than the collector restarts lists.</summary>
internal sealed class ListExpiredException : Exception
{
    public ListExpiredException(string request, int restarts)
        : base($"{request}: the list expired (410 Gone) {restarts} times while paging")
    {
        Request = request;
    }

    public ListExpiredException()
    {
        Request = string.Empty;
    }

    public ListExpiredException(string message)
        : base(message)
    {
        Request = string.Empty;
    }

    public ListExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
        Request = string.Empty;
    }

    public string Request { get; }
}

/// <summary>
/// The API server's answer went past a bound of <see cref="Collection.KubernetesCollectorOptions"/>: too many pages,
/// too many items in a page, too many bytes in a response or from the cluster. Its message names the request, the
/// bound and the option that sets it.
/// </summary>
internal sealed class ResponseLimitException : Exception
{
    public ResponseLimitException(string request, string message)
        : base($"{request}: {message}")
    {
        Request = request;
    }

    public ResponseLimitException()
    {
        Request = string.Empty;
    }

    public ResponseLimitException(string message)
        : base(message)
    {
        Request = string.Empty;
    }

    public ResponseLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Request = string.Empty;
    }

    public string Request { get; }
}
