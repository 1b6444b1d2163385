namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>How the live-cluster collector pages, retries and bounds its work.</summary>
public sealed record KubernetesCollectorOptions
{
    /// <summary>
    /// Items per list page (<c>limit</c>). Default 5,000: a page is read item by item as it arrives (never held whole),
    /// so a larger page costs no memory here and cuts the round trips of a 25,000-pod cluster from 50 (kubectl's 500)
    /// to 5; informers list without any limit at all. Lower it for API servers that struggle with large responses.
    /// </summary>
    public int PageSize { get; init; } = 5000;

    /// <summary>Retries of one request answered 429/503 (honouring <c>Retry-After</c>), 5xx, or a dropped connection. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The longest wait the collector accepts from a <c>Retry-After</c> header; longer waits are cut to this. Default 30 s.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First backoff when the server gives no <c>Retry-After</c>; doubles per retry (with jitter). Default 500 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often one list restarts from the first page after 410 Gone (expired continue token). Default 3.</summary>
    public int MaxListRestarts { get; init; } = 3;

    /// <summary>
    /// When pods are read as metadata only, host-network pods are found through the templates of the DaemonSets
    /// that own them (no extra call). True adds one metadata-only list (<c>fieldSelector=spec.hostNetwork=true</c>)
    /// that finds every host-network pod, whatever owns it, at the cost of one call (plus pages). Default false.
    /// </summary>
    public bool DetectHostNetworkPods { get; init; }

    /// <summary>Ask for gzip (the API server compresses responses over 128 KiB). Default true.</summary>
    public bool RequestCompression { get; init; } = true;

    internal void Validate()
    {
        if (PageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "PageSize must be at least 1.");
        }

        if (MaxRetries < 0 || MaxListRestarts < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), "MaxRetries and MaxListRestarts must not be negative.");
        }
    }
}
