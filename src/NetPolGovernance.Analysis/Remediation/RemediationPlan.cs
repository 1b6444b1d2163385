using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// What <see cref="RemediationPlanner"/> proposes for a set of namespaces, with the traffic it would cut and the
/// traffic it would open (which must be none: a plan that opens anything is not verified).
/// </summary>
public sealed record RemediationPlan
{
    public required RemediationProfile Profile { get; init; }

    public required IReadOnlyList<NamespaceRemediation> Namespaces { get; init; }

    /// <summary>
    /// Connections between existing pods that are allowed today and would be denied once every verified namespace
    /// plan is applied. Each connection appears once, ordered by source, destination and traffic.
    /// </summary>
    public required IReadOnlyList<LostConnection> Impact { get; init; }

    /// <summary>
    /// Connections between existing pods that are denied today and would be allowed once the plans are applied,
    /// ordered like <see cref="Impact"/>. Empty for every verified plan: the never-widen check fails otherwise.
    /// </summary>
    public IReadOnlyList<OpenedConnection> Opened { get; init; } = [];

    /// <summary>True when at least one namespace plan failed verification (such plans are not written or applied).</summary>
    public bool AnyUnverified => Namespaces.Any(n => !n.Verified);
}

/// <summary>The proposal for one namespace.</summary>
public sealed record NamespaceRemediation
{
    public required string Namespace { get; init; }

    public required RemediationProfile Profile { get; init; }

    /// <summary>The policies to create or replace, each labelled <c>app.kubernetes.io/managed-by: netpolgov</c>.</summary>
    public required IReadOnlyList<NetworkPolicy> Policies { get; init; }

    /// <summary>The reachability checks run on the snapshot plus the plan before it was proposed.</summary>
    public required IReadOnlyList<VerificationCheck> Verification { get; init; }

    /// <summary>The lost connections whose source or destination is in this namespace.</summary>
    public required IReadOnlyList<LostConnection> Impact { get; init; }

    /// <summary>The connections denied today that this namespace's plan would open (then the plan is not verified).</summary>
    public IReadOnlyList<OpenedConnection> Opened { get; init; } = [];

    /// <summary>Why an observed connection or workload got no allow (observed profile); empty for the others.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Coverage confidence per workload of the namespace (observed profile); empty for the others.</summary>
    public IReadOnlyList<WorkloadCoverage> Coverage { get; init; } = [];

    /// <summary>The platform-dependency lint of the namespace with the plan applied (docs/platform-dependencies.md).</summary>
    public IReadOnlyList<PlatformFinding> Platform { get; init; } = [];

    /// <summary>The policies as a YAML stream, ready for GitOps.</summary>
    public required string Yaml { get; init; }

    /// <summary>The exact command that removes what this plan creates.</summary>
    public string BackoutCommand => PolicyTemplates.BackoutCommand(Namespace);

    /// <summary>True when every verification check passed; an unverified plan must not be written or applied.</summary>
    public bool Verified => Verification.All(c => c.Passed);
}

/// <summary>One verification check: its name (names, accepted, dns, same-namespace, other-namespaces-cut, observed-edges, never-widen), outcome and detail.</summary>
public sealed record VerificationCheck(string Name, bool Passed, string Detail);

/// <summary>
/// A connection allowed today that the plan would deny. <see cref="Traffic"/> is the destination container port
/// (e.g. <c>5432/TCP</c>) when the destination declares ports, otherwise what is lost of "any port"
/// (<c>any port</c>, or e.g. <c>TCP 1-52, 54-65535</c> when only DNS survives).
/// </summary>
public sealed record LostConnection(string From, string To, string Traffic);

/// <summary>
/// A connection denied today that the plan would allow, which no plan may do. <see cref="Traffic"/> is a destination
/// container port that opens (e.g. <c>5432/TCP</c>), or what opens of "any port" when the destination declares none,
/// or <c>undeclared ports: ...</c> for what opens beyond the declared ones.
/// </summary>
public sealed record OpenedConnection(string From, string To, string Traffic);

/// <summary>The connections a set of plans would cut and open.</summary>
internal sealed record Impact(IReadOnlyList<LostConnection> Lost, IReadOnlyList<OpenedConnection> Opened);
