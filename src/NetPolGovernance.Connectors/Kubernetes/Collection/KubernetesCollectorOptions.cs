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

    /// <summary>The bounds of <see cref="MaxPagesPerList"/>.</summary>
    public static readonly ValueRange<int> MaxPagesPerListRange = new(1, 1_000_000);

    /// <summary>The bounds of <see cref="MaxPageItemsFactor"/>.</summary>
    public static readonly ValueRange<int> MaxPageItemsFactorRange = new(1, 1000);

    /// <summary>The bounds of <see cref="MaxResponseBytes"/>.</summary>
    public static readonly ValueRange<long> MaxResponseBytesRange = new(64 * 1024, 16L * 1024 * 1024 * 1024);

    /// <summary>The bounds of <see cref="MaxClusterBytes"/>.</summary>
    public static readonly ValueRange<long> MaxClusterBytesRange = new(64 * 1024, 64L * 1024 * 1024 * 1024);

    /// <summary>The bounds of <see cref="MaxDocumentBytes"/>.</summary>
    public static readonly ValueRange<long> MaxDocumentBytesRange = new(4 * 1024, 1024L * 1024 * 1024);

    /// <summary>The bounds of <see cref="RequestTimeout"/>.</summary>
    public static readonly ValueRange<TimeSpan> RequestTimeoutRange = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

    /// <summary>
    /// Pages one list may take (each 410 restart counts again from zero). Default 200: a million items at the default
    /// page size, forty times the pods of a 25,000-pod cluster. A server that keeps sending <c>continue</c> tokens
    /// makes the cluster Unknown (<see cref="Scanning.FailureKind.Limit"/>) instead of being read forever.
    /// </summary>
    public int MaxPagesPerList { get; init; } = 200;

    /// <summary>The bounds of <see cref="MaxItemsPerList"/>.</summary>
    public static readonly ValueRange<int> MaxItemsPerListRange = new(1, 10_000_000);

    /// <summary>
    /// Items one list may hold, all its pages together. Default 200,000: more than Kubernetes supports in one cluster
    /// (150,000 pods). Small lists (namespaces, policies, DaemonSets, CRD policies) are kept whole until the cluster is
    /// read, so this, more than the byte bounds, is what keeps a server that pages forever from filling memory.
    /// </summary>
    public int MaxItemsPerList { get; init; } = 200_000;

    /// <summary>
    /// Items one page may hold, as a multiple of the <c>limit</c> asked (<see cref="PageSize"/>). Default 10. The
    /// API server never sends more than <c>limit</c>; a server that ignores <c>limit</c> (allowed, with no continue
    /// token) may send up to this many times it, no more.
    /// </summary>
    public int MaxPageItemsFactor { get; init; } = 10;

    /// <summary>
    /// Body bytes (after decompression) of one list page. Default 128 MiB: a page of 5,000 production pods read in
    /// full is about 20 MB. Error bodies are read to 64 KiB at most, whatever this says.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>
    /// Body bytes read from one cluster, every request and retry together. Default 512 MiB: five times a 25,000-pod
    /// cluster read in full (pods are read as metadata only unless a policy uses a named port: about a quarter of
    /// that). With <see cref="MaxItemsPerList"/> it bounds the memory of a cluster in flight (lists are streamed; what
    /// is kept is at most what was read). Raise it for clusters of more than 100,000 pods read in full.
    /// </summary>
    public long MaxClusterBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// Body bytes of a discovery document (<c>/apis</c>) or any other single document read whole (the
    /// <c>cilium-config</c> ConfigMap). Default 16 MiB: a cluster serving hundreds of CRD groups answers <c>/apis</c> in
    /// well under 1 MB.
    /// </summary>
    public long MaxDocumentBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// The longest one request may take, its whole body included (a server that drips its answer byte by byte is cut
    /// off here; the HTTP client's own timeout stops at the response headers). Default 60 s. Not retried.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        OptionOutOfRangeException.ThrowIfOutside(MaxPagesPerListRange, MaxPagesPerList, nameof(MaxPagesPerList));
        OptionOutOfRangeException.ThrowIfOutside(MaxItemsPerListRange, MaxItemsPerList, nameof(MaxItemsPerList));
        OptionOutOfRangeException.ThrowIfOutside(MaxPageItemsFactorRange, MaxPageItemsFactor, nameof(MaxPageItemsFactor));
        OptionOutOfRangeException.ThrowIfOutside(MaxResponseBytesRange, MaxResponseBytes, nameof(MaxResponseBytes));
        OptionOutOfRangeException.ThrowIfOutside(MaxClusterBytesRange, MaxClusterBytes, nameof(MaxClusterBytes));
        OptionOutOfRangeException.ThrowIfOutside(MaxDocumentBytesRange, MaxDocumentBytes, nameof(MaxDocumentBytes));
        OptionOutOfRangeException.ThrowIfOutside(RequestTimeoutRange, RequestTimeout, nameof(RequestTimeout));
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
