namespace NetPolGovernance.Analysis.Model;

/// <summary>
/// A <c>networking.k8s.io/v1</c> NetworkPolicy exactly as written. Null means "field missing";
/// an empty list means "field present and empty". The two differ (docs/semantics.md §1, §4, §5).
/// </summary>
public sealed record NetworkPolicy
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels.Instance;

    /// <summary><c>metadata.annotations</c> netpolgov writes (provenance of observed rules); empty when read from a cluster.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = EmptyLabels.Instance;

    /// <summary><c>spec.podSelector</c>; null when omitted (which selects all pods).</summary>
    public LabelSelector? PodSelector { get; init; }

    /// <summary><c>spec.policyTypes</c> as written, e.g. <c>Ingress</c>, <c>Egress</c>; null when omitted.</summary>
    public IReadOnlyList<string>? PolicyTypes { get; init; }

    public IReadOnlyList<NetworkPolicyRule>? Ingress { get; init; }

    public IReadOnlyList<NetworkPolicyRule>? Egress { get; init; }

    public SourceLocation? Source { get; init; }
}

/// <summary>One ingress or egress rule. <see cref="Peers"/> is <c>from</c> for ingress and <c>to</c> for egress.</summary>
public sealed record NetworkPolicyRule
{
    /// <summary>A comment netpolgov writes above the rule in YAML (where an observed rule came from); never read.</summary>
    public string? Comment { get; init; }

    public IReadOnlyList<NetworkPolicyPeer>? Peers { get; init; }

    public IReadOnlyList<NetworkPolicyPort>? Ports { get; init; }
}

/// <summary>A peer. A valid peer sets ipBlock alone, or podSelector and/or namespaceSelector.</summary>
public sealed record NetworkPolicyPeer
{
    public LabelSelector? PodSelector { get; init; }

    public LabelSelector? NamespaceSelector { get; init; }

    public IpBlock? IpBlock { get; init; }
}

/// <summary>An ipBlock: <c>cidr</c> minus every <c>except</c>. Kept as strings; the analysis parses them.</summary>
public sealed record IpBlock(string Cidr, IReadOnlyList<string>? Except);

/// <summary>
/// A NetworkPolicyPort as written: <see cref="Protocol"/> null means "defaults to TCP";
/// <see cref="Port"/> null means all ports of that protocol.
/// </summary>
public sealed record NetworkPolicyPort
{
    public string? Protocol { get; init; }

    public PortValue? Port { get; init; }

    public int? EndPort { get; init; }
}

/// <summary>An int-or-string port: a number or a named container port.</summary>
public sealed record PortValue
{
    private PortValue(int? number, string? name)
    {
        Number = number;
        Name = name;
    }

    public int? Number { get; }

    public string? Name { get; }

    public bool IsNamed => Name is not null;

    public static PortValue FromNumber(int number) => new(number, null);

    public static PortValue FromName(string name) => new(null, name);

    public override string ToString() => Name ?? Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
}

/// <summary>
/// A Kubernetes LabelSelector. Null collections mean "missing". A selector with no requirements
/// (both null or empty) selects everything.
/// </summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }

    /// <summary>The selector that matches everything (<c>{}</c>).</summary>
    public static LabelSelector Everything { get; } = new();
}

/// <summary>One <c>matchExpressions</c> entry. Operator is <c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</summary>
public sealed record LabelSelectorRequirement(string Key, string Operator, IReadOnlyList<string>? Values);
