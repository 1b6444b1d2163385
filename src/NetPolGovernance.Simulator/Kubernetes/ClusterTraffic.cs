using System.Collections.Concurrent;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// What one virtual cluster served: calls, response body bytes, and (unless disabled) every request in order.
/// Thread-safe. Faulted and unauthorized calls count too: they cost the client a round trip.
/// </summary>
internal sealed class ClusterTraffic
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private long _calls;
    private long _continuations;
    private long _bytes;

    /// <summary>When false, only the counters are kept (the fleet simulator turns the log off).</summary>
    public bool RecordRequests { get; set; } = true;

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls that asked for a further page of a list (they carried a <c>continue</c> token).</summary>
    public long Continuations => Interlocked.Read(ref _continuations);

    /// <summary>Response body bytes written (uncompressed JSON).</summary>
    public long BytesSent => Interlocked.Read(ref _bytes);

    /// <summary>The recorded requests in arrival order of completion.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>How many recorded calls hit a resource (by plural, e.g. <c>pods</c>), optionally of one verb.</summary>
    public int CallsTo(string plural, KubeVerb? verb = null) =>
        _requests.Count(r => string.Equals(r.Resource, plural, StringComparison.Ordinal) && (verb is null || r.Verb == verb));

    public void Reset()
    {
        _requests.Clear();
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _continuations, 0);
        Interlocked.Exchange(ref _bytes, 0);
    }

    internal void Record(KubeRequest request, int statusCode, long bytes)
    {
        Interlocked.Increment(ref _calls);
        if (request.Continue is not null)
        {
            Interlocked.Increment(ref _continuations);
        }

        Interlocked.Add(ref _bytes, bytes);
        if (RecordRequests)
        {
            _requests.Enqueue(new RecordedRequest(request.Method, request.Path, request.Query, request.Verb, request.Resource?.Plural, request.MetadataOnly, statusCode, bytes, request.Protocol));
        }
    }
}
