namespace NetPolGovernance.Analysis.Reachability;

/// <summary>One question: may <see cref="From"/> open a connection to <see cref="To"/> on this protocol and port?</summary>
public sealed record ReachabilityQuery(ReachabilityEndpoint From, ReachabilityEndpoint To, TransportProtocol Protocol, int Port);

/// <summary>The answer to a <see cref="ReachabilityQuery"/>.</summary>
public sealed record ReachabilityResult
{
    public required ReachabilityQuery Query { get; init; }

    public required bool Allowed { get; init; }

    /// <summary>
    /// Which policies isolate each side and which rules admit the traffic, e.g.
    /// <c>egress: web/api not isolated; ingress: db/postgres isolated by db/default-deny, admitted by db/allow-api rule 1 (...)</c>.
    /// </summary>
    public required string Explanation { get; init; }

    /// <summary>Set when the question could not be answered (an unknown pod, a port out of range); Allowed is then false.</summary>
    public string? Error { get; init; }
}
