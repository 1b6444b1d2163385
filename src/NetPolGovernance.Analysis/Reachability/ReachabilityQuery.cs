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

    /// <summary>
    /// Why the answer cannot be vouched for, each entry written <c>unknown: &lt;kind/field&gt; ... could change it</c>:
    /// a policy whose rules are not evaluated, a field that is not modelled, a kind that could not be read, or two
    /// same-priority admin policies that disagree. Empty for a confident answer; <see cref="Allowed"/> is then only
    /// what the modelled rules say.
    /// </summary>
    public IReadOnlyList<string> UnknownBecause { get; init; } = [];

    /// <summary>Allowed, Denied, or Unknown (an error, or any <see cref="UnknownBecause"/>).</summary>
    public ReachabilityVerdict Verdict =>
        Error is not null || UnknownBecause.Count > 0 ? ReachabilityVerdict.Unknown
        : Allowed ? ReachabilityVerdict.Allowed : ReachabilityVerdict.Denied;
}

/// <summary>The verdict of a <see cref="ReachabilityResult"/>.</summary>
public enum ReachabilityVerdict
{
    Allowed = 1,
    Denied = 2,
    Unknown = 3,
}
