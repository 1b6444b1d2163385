namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>The representation a client negotiated with <c>Accept</c>.</summary>
internal enum ResponseShape
{
    /// <summary>Plain <c>application/json</c> objects and lists.</summary>
    Full,

    /// <summary><c>as=PartialObjectMetadataList</c> (or <c>as=PartialObjectMetadata</c> for a single object).</summary>
    Metadata,

    /// <summary><c>as=APIGroupDiscoveryList</c> (aggregated discovery, v2 or v2beta1).</summary>
    AggregatedDiscovery,

    /// <summary>Nothing the server can produce was acceptable (406).</summary>
    NotAcceptable,
}

/// <summary>
/// Picks the first media range in <c>Accept</c> that the server supports, as the API server's content
/// negotiation does: <c>application/json</c> (optionally with <c>as=PartialObjectMetadataList;g=meta.k8s.io;v=v1</c>
/// or aggregated discovery parameters), <c>application/*</c> or <c>*/*</c>. A missing header means JSON.
/// </summary>
internal static class AcceptHeader
{
    public static (ResponseShape Shape, string? DiscoveryVersion) Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return (ResponseShape.Full, null);
        }

        foreach (var range in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var mediaType = parts[0];
            if (mediaType is not ("application/json" or "application/*" or "*/*"))
            {
                continue;
            }

            var parameters = parts.Skip(1)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
            if (!parameters.TryGetValue("as", out var asKind))
            {
                return (ResponseShape.Full, null);
            }

            parameters.TryGetValue("g", out var group);
            parameters.TryGetValue("v", out var version);
            if (asKind is "PartialObjectMetadataList" or "PartialObjectMetadata" && group == "meta.k8s.io" && version is "v1" or "v1beta1")
            {
                return (ResponseShape.Metadata, null);
            }

            if (asKind == "APIGroupDiscoveryList" && group == "apidiscovery.k8s.io" && version is "v2" or "v2beta1")
            {
                return (ResponseShape.AggregatedDiscovery, version);
            }
        }

        return (ResponseShape.NotAcceptable, null);
    }
}
