using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Validation;

/// <summary>
/// One rule the API server enforces that an object breaks. <see cref="Field"/> is the path inside the object
/// (<c>spec.ingress[0].from[1].ipBlock.cidr</c>), <see cref="Rule"/> a stable id (docs/semantics.md §14).
/// </summary>
public sealed record Violation(string Field, string Rule, string Message)
{
    public override string ToString() => $"{Field}: {Message} [{Rule}]";
}

/// <summary>An object the API server would reject, with every rule it breaks.</summary>
public sealed record RejectedObject
{
    /// <summary>For example <c>NetworkPolicy</c>, <c>AdminNetworkPolicy</c>, <c>CiliumNetworkPolicy</c>, <c>CalicoNetworkPolicy</c>, <c>Pod</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Null for cluster-scoped objects (Namespace, ANP, BANP).</summary>
    public string? Namespace { get; init; }

    public required string Name { get; init; }

    public SourceLocation? Source { get; init; }

    public required IReadOnlyList<Violation> Violations { get; init; }

    /// <summary>The model object that was validated (compared by reference when policies are left out).</summary>
    internal object? Origin { get; init; }

    /// <summary>The object as a REST path below its scope: <c>networkpolicies/web</c>, <c>adminnetworkpolicies/a</c>.</summary>
    public string ResourcePath => $"{Resource(Kind)}/{Name}";

    /// <summary><c>NetworkPolicy team-a/web</c> or <c>AdminNetworkPolicy deny-all</c>.</summary>
    public string Describe() => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    /// <summary>True for the policy kinds that count as protection (they are left out of coverage when rejected).</summary>
    public bool IsPolicy => Kind is "NetworkPolicy" or "AdminNetworkPolicy" or "BaselineAdminNetworkPolicy" or "ClusterNetworkPolicy"
        or "CiliumNetworkPolicy" or "CiliumClusterwideNetworkPolicy" or "CalicoNetworkPolicy" or "CalicoGlobalNetworkPolicy";

    /// <summary>The lower-case plural resource name of a kind, as in an API path.</summary>
    public static string Resource(string kind) => kind switch
    {
        "NetworkPolicy" => "networkpolicies",
        "AdminNetworkPolicy" => "adminnetworkpolicies",
        "BaselineAdminNetworkPolicy" => "baselineadminnetworkpolicies",
        "ClusterNetworkPolicy" => "clusternetworkpolicies",
        "CiliumNetworkPolicy" => "ciliumnetworkpolicies",
        "CiliumClusterwideNetworkPolicy" => "ciliumclusterwidenetworkpolicies",
        "CalicoNetworkPolicy" => "networkpolicies.projectcalico.org",
        "CalicoGlobalNetworkPolicy" => "globalnetworkpolicies.projectcalico.org",
        "Namespace" => "namespaces",
        "Pod" => "pods",
        _ => kind.ToLowerInvariant() + "s",
    };
}

/// <summary>What <see cref="ObjectValidator"/> found in one snapshot.</summary>
public sealed record ValidationReport(IReadOnlyList<RejectedObject> Rejected)
{
    public static ValidationReport Empty { get; } = new([]);

    public bool IsValid => Rejected.Count == 0;

    /// <summary>Rejected objects in a namespace (namespaced kinds only).</summary>
    public IReadOnlyList<RejectedObject> InNamespace(string ns) =>
        [.. Rejected.Where(r => string.Equals(r.Namespace, ns, StringComparison.Ordinal))];

    /// <summary>Rejected cluster-scoped objects (Namespace objects excepted: they are reported in their own namespace).</summary>
    public IReadOnlyList<RejectedObject> ClusterScoped =>
        [.. Rejected.Where(r => r.Namespace is null && r.Kind != "Namespace")];

    /// <summary>
    /// The snapshot without the rejected policies: an object the API server would refuse protects nothing, so it is
    /// never counted as coverage (docs/semantics.md §14). Pods and namespaces stay (they still exist to be protected).
    /// </summary>
    public ClusterSnapshot WithoutRejectedPolicies(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (IsValid)
        {
            return snapshot;
        }

        var rejected = Rejected.Where(r => r.IsPolicy && r.Origin is not null).Select(r => r.Origin!).ToHashSet(ReferenceEqualityComparer.Instance);
        return snapshot with
        {
            NetworkPolicies = [.. snapshot.NetworkPolicies.Where(p => !rejected.Contains(p))],
            AdminPolicies = [.. snapshot.AdminPolicies.Where(p => !rejected.Contains(p))],
            CiliumPolicies = [.. snapshot.CiliumPolicies.Where(p => !rejected.Contains(p))],
            CalicoPolicies = [.. snapshot.CalicoPolicies.Where(p => !rejected.Contains(p))],
        };
    }
}
