namespace NetPolGovernance.Analysis.Model;

/// <summary>CiliumNetworkPolicy (namespaced) or CiliumClusterwideNetworkPolicy (Namespace is null).</summary>
public sealed record CiliumPolicy
{
    /// <summary><c>CiliumNetworkPolicy</c> or <c>CiliumClusterwideNetworkPolicy</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Null for the clusterwide kind.</summary>
    public string? Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>The rules of <c>spec</c> and <c>specs</c> together.</summary>
    public IReadOnlyList<CiliumRule> Rules { get; init; } = [];

    public SourceLocation? Source { get; init; }

    public bool IsClusterwide => Namespace is null;
}

/// <summary>
/// One Cilium rule, reduced to what coverage needs. Counts are the lengths of the lists as written
/// (a missing list counts 0). Label keys may carry source prefixes such as <c>k8s:</c>.
/// </summary>
public sealed record CiliumRule
{
    /// <summary>Null when the rule has only a nodeSelector (a host policy that selects nodes, not pods).</summary>
    public LabelSelector? EndpointSelector { get; init; }

    public bool HasNodeSelector { get; init; }

    public int IngressCount { get; init; }

    public int IngressDenyCount { get; init; }

    public int EgressCount { get; init; }

    public int EgressDenyCount { get; init; }

    /// <summary><c>enableDefaultDeny.ingress</c>; null when not written (defaults to true).</summary>
    public bool? EnableDefaultDenyIngress { get; init; }

    /// <summary><c>enableDefaultDeny.egress</c>; null when not written (defaults to true).</summary>
    public bool? EnableDefaultDenyEgress { get; init; }

    /// <summary>An egress rule names <c>toFQDNs</c> (DNS-based policy; on AKS enforced only with ACNS security).</summary>
    public bool UsesFqdnRules { get; init; }

    /// <summary>A rule has <c>toPorts[].rules</c> (HTTP, Kafka, DNS: L7 policy; on AKS enforced only with ACNS security set to L7).</summary>
    public bool UsesL7Rules { get; init; }
}

/// <summary>
/// A Calico NetworkPolicy (namespaced) or GlobalNetworkPolicy, from <c>projectcalico.org/v3</c> or
/// <c>crd.projectcalico.org/v1</c>. <see cref="Name"/> is as stored (the reader does not strip tier prefixes).
/// </summary>
public sealed record CalicoPolicy
{
    /// <summary><c>projectcalico.org</c> or <c>crd.projectcalico.org</c>.</summary>
    public required string ApiGroup { get; init; }

    /// <summary><c>NetworkPolicy</c>, <c>GlobalNetworkPolicy</c>, or a <c>Staged*</c> variant (not enforced).</summary>
    public required string Kind { get; init; }

    /// <summary>Null for GlobalNetworkPolicy.</summary>
    public string? Namespace { get; init; }

    public required string Name { get; init; }

    public string? Tier { get; init; }

    public double? Order { get; init; }

    /// <summary>The Calico selector expression (<c>spec.selector</c>); null or empty selects all.</summary>
    public string? Selector { get; init; }

    /// <summary>GlobalNetworkPolicy <c>spec.namespaceSelector</c> expression.</summary>
    public string? NamespaceSelector { get; init; }

    public string? ServiceAccountSelector { get; init; }

    /// <summary><c>spec.types</c> as written; null when omitted.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    public int IngressRuleCount { get; init; }

    public int EgressRuleCount { get; init; }

    public SourceLocation? Source { get; init; }

    public bool IsGlobal => Namespace is null;
}

/// <summary>AdminNetworkPolicy or BaselineAdminNetworkPolicy (cluster-scoped).</summary>
public sealed record AdminPolicy
{
    /// <summary><c>AdminNetworkPolicy</c> or <c>BaselineAdminNetworkPolicy</c>.</summary>
    public required string Kind { get; init; }

    public required string ApiVersion { get; init; }

    public required string Name { get; init; }

    public int? Priority { get; init; }

    /// <summary><c>subject.namespaces</c> (or the early-alpha <c>namespaceSelector</c>).</summary>
    public LabelSelector? SubjectNamespaces { get; init; }

    /// <summary><c>subject.pods.namespaceSelector</c> (or early-alpha <c>namespaceAndPodSelector</c>).</summary>
    public LabelSelector? SubjectPodsNamespaceSelector { get; init; }

    /// <summary><c>subject.pods.podSelector</c>.</summary>
    public LabelSelector? SubjectPodsPodSelector { get; init; }

    /// <summary>True when the subject uses the <c>pods</c> form.</summary>
    public bool SubjectIsPods { get; init; }

    public int IngressRuleCount { get; init; }

    public int EgressRuleCount { get; init; }

    /// <summary><c>spec.tier</c> of a ClusterNetworkPolicy (<c>Admin</c> or <c>Baseline</c>); null for ANP and BANP.</summary>
    public string? Tier { get; init; }

    /// <summary>
    /// The decoded ingress rules, in order. Fewer entries than <see cref="IngressRuleCount"/> means the rules were not
    /// decoded (reachability then answers Unknown where the object applies).
    /// </summary>
    public IReadOnlyList<AdminPolicyRule> Ingress { get; init; } = [];

    /// <summary>The decoded egress rules, in order (see <see cref="Ingress"/>).</summary>
    public IReadOnlyList<AdminPolicyRule> Egress { get; init; } = [];

    /// <summary>The rules as written, reduced to what validation checks (action, peers, ports).</summary>
    public IReadOnlyList<AdminRuleShape> Rules { get; init; } = [];

    public SourceLocation? Source { get; init; }
}

/// <summary>
/// One ANP/BANP/ClusterNetworkPolicy rule: the action as written (<c>Allow</c>, <c>Accept</c>, <c>Deny</c>,
/// <c>Pass</c>), the peers (<c>from</c> or <c>to</c>) and the ports (<c>ports</c> in v1alpha1, <c>protocols</c> in
/// v1alpha2; null when omitted, which matches every port).
/// </summary>
public sealed record AdminPolicyRule
{
    public string? Name { get; init; }

    public required string Action { get; init; }

    public IReadOnlyList<AdminPolicyPeer> Peers { get; init; } = [];

    public IReadOnlyList<AdminPolicyPort>? Ports { get; init; }
}

/// <summary>
/// One peer. Exactly one of <see cref="Namespaces"/>, <see cref="IsPods"/> (with its two selectors) and
/// <see cref="Networks"/> is set for the modelled forms; <see cref="Unmodelled"/> names any other form
/// (<c>nodes</c>, <c>domainNames</c>, or a field the reader does not know).
/// </summary>
public sealed record AdminPolicyPeer
{
    public LabelSelector? Namespaces { get; init; }

    public bool IsPods { get; init; }

    public LabelSelector? PodsNamespaceSelector { get; init; }

    public LabelSelector? PodsPodSelector { get; init; }

    public IReadOnlyList<string>? Networks { get; init; }

    public string? Unmodelled { get; init; }
}

/// <summary>
/// One port entry: a number (<see cref="Port"/>), an inclusive range (<see cref="Port"/> to <see cref="EndPort"/>),
/// or a container port name (<see cref="NamedPort"/>, resolved on the destination pod). Protocol null means TCP.
/// <see cref="Unmodelled"/> names a form the reader does not know.
/// </summary>
public sealed record AdminPolicyPort
{
    public string? Protocol { get; init; }

    public int? Port { get; init; }

    public int? EndPort { get; init; }

    public string? NamedPort { get; init; }

    public string? Unmodelled { get; init; }
}

/// <summary>One ANP/BANP rule as written. <see cref="Direction"/> is <c>ingress</c> or <c>egress</c>.</summary>
public sealed record AdminRuleShape
{
    public required string Direction { get; init; }

    public string? Name { get; init; }

    public string? Action { get; init; }

    /// <summary><c>from</c> (ingress) or <c>to</c> (egress); null when missing.</summary>
    public IReadOnlyList<AdminPeerShape>? Peers { get; init; }

    public IReadOnlyList<AdminPortShape>? Ports { get; init; }
}

/// <summary>One peer: the fields it sets (<c>namespaces</c>, <c>pods</c>, <c>nodes</c>, <c>networks</c>), its selectors and CIDRs.</summary>
public sealed record AdminPeerShape
{
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>Each selector of the peer with its path inside the peer, e.g. <c>pods.podSelector</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, LabelSelector>> Selectors { get; init; } = [];

    /// <summary>True when <c>pods</c> is set but lacks <c>namespaceSelector</c> or <c>podSelector</c>.</summary>
    public bool PodsIncomplete { get; init; }

    /// <summary><c>networks</c> as written; null when not set.</summary>
    public IReadOnlyList<string>? Networks { get; init; }
}

/// <summary>One port: the fields it sets (<c>portNumber</c>, <c>namedPort</c>, <c>portRange</c>) and their values.</summary>
public sealed record AdminPortShape
{
    public IReadOnlyList<string> Fields { get; init; } = [];

    public string? Protocol { get; init; }

    public int? Port { get; init; }

    public string? NamedPort { get; init; }

    public int? Start { get; init; }

    public int? End { get; init; }
}
