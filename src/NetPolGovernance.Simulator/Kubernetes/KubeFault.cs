namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// A fault the loopback server can inject into a matching request: a delay (then normal service), an error
/// status with a real <c>Status</c> body (optionally with <c>Retry-After</c>), a dropped connection, or a normal
/// response whose body is cut short (the connection drops mid-body, or the body simply ends early).
/// </summary>
internal sealed record KubeFault
{
    private KubeFault()
    {
    }

    public TimeSpan Delay { get; private init; }

    public int? StatusCode { get; private init; }

    public string Reason { get; private init; } = string.Empty;

    public Func<KubeRequest, string> Message { get; private init; } = _ => string.Empty;

    public TimeSpan? RetryAfter { get; private init; }

    public bool Abort { get; private init; }

    /// <summary>
    /// When set, the normal response is served but only this many bytes of its body: with <see cref="Abort"/> the
    /// connection then drops (Content-Length announced the whole body); without, Content-Length matches the cut body.
    /// </summary>
    public int? BodyBytes { get; private init; }

    /// <summary>When set, a 200 with exactly this JSON body is served instead of the real answer.</summary>
    public string? RawBody { get; private init; }

    /// <summary>When set, the request is answered by this hostile behaviour (<see cref="HostileResponses"/>).</summary>
    public HostileBehaviour? Behaviour { get; private init; }

    /// <summary>A hostile answer (endless continue tokens, an oversized page, a huge body, ...); see <see cref="HostileBehaviour"/>.</summary>
    public static KubeFault Hostile(HostileBehaviour behaviour) => new() { Behaviour = behaviour };

    /// <summary>404 with the API server's "could not find the requested resource" (a collection the server does not serve).</summary>
    public static KubeFault NotFound() => new() { StatusCode = 404, Reason = "NotFound", Message = _ => "the server could not find the requested resource" };

    /// <summary>A 200 whose body is <paramref name="json"/> (for example <c>{}</c>: not a list at all).</summary>
    public static KubeFault Body(string json) => new() { RawBody = json ?? throw new ArgumentNullException(nameof(json)) };

    /// <summary>Waits, then serves the request normally (use a long delay to provoke client timeouts).</summary>
    public static KubeFault Latency(TimeSpan delay) => new() { Delay = delay };

    /// <summary>429 TooManyRequests with <c>Retry-After</c> in whole seconds, as API Priority and Fairness sends it.</summary>
    public static KubeFault TooManyRequests(TimeSpan retryAfter) => new()
    {
        StatusCode = 429,
        Reason = "TooManyRequests",
        Message = _ => "Too many requests, please try again later.",
        RetryAfter = retryAfter,
    };

    /// <summary>410 Gone (reason Expired), as sent for an expired continue token.</summary>
    public static KubeFault Gone() => new()
    {
        StatusCode = 410,
        Reason = "Expired",
        Message = _ => "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
    };

    /// <summary>401 Unauthorized, as for a rejected or expired token.</summary>
    public static KubeFault Unauthorized() => new() { StatusCode = 401, Reason = "Unauthorized", Message = _ => "Unauthorized" };

    /// <summary>403 Forbidden with the RBAC message of the real API server, naming verb, resource, group and scope.</summary>
    public static KubeFault Forbidden(string user = "netpolgov-reader") => new()
    {
        StatusCode = 403,
        Reason = "Forbidden",
        Message = request => ForbiddenMessage(request, user),
    };

    /// <summary>Any error status with a Status body carrying <paramref name="message"/> (e.g. a server that echoes the request).</summary>
    public static KubeFault Status(int statusCode, string reason, Func<KubeRequest, string> message) => new()
    {
        StatusCode = statusCode,
        Reason = reason,
        Message = message,
    };

    /// <summary>500 InternalError.</summary>
    public static KubeFault InternalError() => new() { StatusCode = 500, Reason = "InternalError", Message = _ => "Internal error occurred: injected fault" };

    /// <summary>Drops the connection without a response.</summary>
    public static KubeFault DropConnection() => new() { Abort = true };

    /// <summary>
    /// Starts the normal response (status, headers announcing the whole body), sends the first
    /// <paramref name="bodyBytes"/> bytes of its body, then drops the connection, as a network failure mid-transfer.
    /// </summary>
    public static KubeFault DropMidBody(int bodyBytes) => new() { Abort = true, BodyBytes = NotNegative(bodyBytes) };

    /// <summary>
    /// Serves the normal response with its body cut after <paramref name="bodyBytes"/> bytes and a Content-Length that
    /// matches: a complete HTTP 200 whose JSON is malformed.
    /// </summary>
    public static KubeFault TruncatedBody(int bodyBytes) => new() { BodyBytes = NotNegative(bodyBytes) };

    private static int NotNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }

    private static string ForbiddenMessage(KubeRequest request, string user)
    {
        var resource = request.Resource?.Plural ?? "resource";
        var group = request.Resource?.Group ?? string.Empty;
        var verb = request.Verb switch
        {
            KubeVerb.Get => "get",
            KubeVerb.Create => "create",
            KubeVerb.Delete => "delete",
            KubeVerb.DeleteCollection => "deletecollection",
            _ => "list",
        };
        var scope = request.Namespace is null ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
        return $"{resource} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}";
    }
}

/// <summary>Which requests a fault rule applies to. Combine with <see cref="And"/>.</summary>
internal sealed record KubeRequestMatch(Func<KubeRequest, bool> Predicate)
{
    public static KubeRequestMatch Any { get; } = new(_ => true);

    /// <summary>Discovery documents (<c>/api</c>, <c>/apis</c>, group versions).</summary>
    public static KubeRequestMatch Discovery { get; } = new(r => r.Verb == KubeVerb.Discovery);

    /// <summary>List requests that carry a continue token (the second and later pages).</summary>
    public static KubeRequestMatch ContinuedLists { get; } = new(r => r.Verb == KubeVerb.List && r.Continue is not null);

    /// <summary>Requests to a resource by plural name, optionally restricted to an API group (empty = core).</summary>
    public static KubeRequestMatch Resource(string plural, string? group = null) =>
        new(r => r.Resource is not null
                 && string.Equals(r.Resource.Plural, plural, StringComparison.Ordinal)
                 && (group is null || string.Equals(r.Resource.Group, group, StringComparison.Ordinal)));

    /// <summary>Requests to any resource of an API group.</summary>
    public static KubeRequestMatch Group(string group) =>
        new(r => r.Resource is not null && string.Equals(r.Resource.Group, group, StringComparison.Ordinal));

    public static KubeRequestMatch OfVerb(KubeVerb verb) => new(r => r.Verb == verb);

    public KubeRequestMatch And(KubeRequestMatch other) => new(r => Predicate(r) && other.Predicate(r));
}

/// <summary>A fault applied to the next <c>times</c> requests that match (every matching request when unlimited).</summary>
internal sealed class KubeFaultRule
{
    private int _remaining;

    public KubeFaultRule(KubeRequestMatch match, KubeFault fault, int times)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        Match = match;
        Fault = fault;
        _remaining = times;
    }

    public KubeRequestMatch Match { get; }

    public KubeFault Fault { get; }

    /// <summary>How many more requests this rule will fault.</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    internal bool TryTake(KubeRequest request)
    {
        if (!Match.Predicate(request))
        {
            return false;
        }

        while (true)
        {
            var current = Volatile.Read(ref _remaining);
            if (current <= 0)
            {
                return false;
            }

            if (current == int.MaxValue || Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}

/// <summary>The fault rules of one virtual cluster, tried in the order added; the first that takes a request applies.</summary>
internal sealed class KubeFaultPlan
{
    private readonly Lock _gate = new();
    private readonly List<KubeFaultRule> _rules = [];

    /// <summary>Adds a fault for the next <paramref name="times"/> matching requests (default: all of them).</summary>
    public KubeFaultRule Add(KubeFault fault, KubeRequestMatch? match = null, int times = int.MaxValue)
    {
        var rule = new KubeFaultRule(match ?? KubeRequestMatch.Any, fault, times);
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    internal KubeFault? Take(KubeRequest request)
    {
        KubeFaultRule[] rules;
        lock (_gate)
        {
            if (_rules.Count == 0)
            {
                return null;
            }

            rules = [.. _rules];
        }

        foreach (var rule in rules)
        {
            if (rule.TryTake(request))
            {
                return rule.Fault;
            }
        }

        return null;
    }
}
