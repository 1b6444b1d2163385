namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>The verbs the loopback server distinguishes (as Kubernetes audit logs name them).</summary>
internal enum KubeVerb
{
    Discovery,
    List,
    Get,
    Create,
    Delete,
    DeleteCollection,
    Other,
}

/// <summary>
/// A parsed request to one virtual cluster: what fault rules match on and what the traffic log records.
/// <see cref="Resource"/> is null for discovery and unknown paths.
/// </summary>
internal sealed record KubeRequest
{
    public required string ClusterId { get; init; }

    public required string Method { get; init; }

    /// <summary>The path below the cluster prefix, e.g. <c>/api/v1/pods</c>.</summary>
    public required string Path { get; init; }

    public string Query { get; init; } = string.Empty;

    public KubeVerb Verb { get; init; }

    public ApiResource? Resource { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Continue { get; init; }

    public int? Limit { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public bool DryRun { get; init; }

    /// <summary>True when the client asked for <c>PartialObjectMetadataList</c>.</summary>
    public bool MetadataOnly { get; init; }

    /// <summary>True when the client asked for aggregated discovery (<c>APIGroupDiscoveryList</c>).</summary>
    public bool AggregatedDiscovery { get; init; }

    /// <summary>The HTTP version the request came over, e.g. <c>HTTP/2</c> or <c>HTTP/1.1</c>.</summary>
    public string Protocol { get; init; } = string.Empty;
}

/// <summary>One served request, as recorded in <see cref="ClusterTraffic"/>.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, KubeVerb Verb, string? Resource, bool MetadataOnly, int StatusCode, long Bytes, string Protocol)
{
    public string PathAndQuery => Path + Query;
}
