namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// What kind of failure made a cluster unreadable, next to the human reason, so that code decides on the kind and
/// never by searching a message (for example for "401").
/// </summary>
public enum FailureKind
{
    /// <summary>Anything not below, or not known.</summary>
    Other = 0,

    /// <summary>The credential was refused or could not be produced (401, 403, a failing token or exec plugin).</summary>
    Auth = 1,

    /// <summary>No usable connection: DNS, TCP, TLS, a response broken off.</summary>
    Network = 2,

    /// <summary>A deadline passed.</summary>
    Timeout = 3,

    /// <summary>The service kept answering 429 (or 503 with Retry-After) after the retries.</summary>
    Throttled = 4,

    /// <summary>A response or object that could not be read.</summary>
    Format = 5,

    /// <summary>
    /// The server's answer went past a bound of the collector (pages per list, items per page, bytes per response or
    /// per cluster, discovery size): a hostile or broken server, or a cluster larger than the bounds allow.
    /// </summary>
    Limit = 6,
}

/// <summary>A failure: its kind and the one line a human acts on.</summary>
public sealed record CollectionFailure(FailureKind Kind, string Reason);
