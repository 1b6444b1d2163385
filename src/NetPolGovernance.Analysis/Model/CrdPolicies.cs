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

    /// <summary>
    /// The decoded <c>ingress</c> entries. Fewer entries than <see cref="IngressCount"/> means they were not decoded
    /// (reachability then answers Unknown where the rule applies); the same holds for the three lists below.
    /// </summary>
    public IReadOnlyList<CiliumPeerRule> Ingress { get; init; } = [];

    /// <summary>The decoded <c>ingressDeny</c> entries.</summary>
    public IReadOnlyList<CiliumPeerRule> IngressDeny { get; init; } = [];

    /// <summary>The decoded <c>egress</c> entries.</summary>
    public IReadOnlyList<CiliumPeerRule> Egress { get; init; } = [];

    /// <summary>The decoded <c>egressDeny</c> entries.</summary>
    public IReadOnlyList<CiliumPeerRule> EgressDeny { get; init; } = [];

    /// <summary>An egress rule names <c>toFQDNs</c> (DNS-based policy; on AKS enforced only with ACNS security).</summary>
    public bool UsesFqdnRules { get; init; }

    /// <summary>A rule has <c>toPorts[].rules</c> (HTTP, Kafka, DNS: L7 policy; on AKS enforced only with ACNS security set to L7).</summary>
    public bool UsesL7Rules { get; init; }
}

/// <summary>
/// One entry of a Cilium <c>ingress</c>, <c>ingressDeny</c>, <c>egress</c> or <c>egressDeny</c> list, reduced to the
/// L3/L4 subset reachability evaluates: <c>from/toEndpoints</c>, <c>from/toEntities</c>, <c>from/toCIDR</c> and
/// <c>from/toCIDRSet</c> (both in <see cref="Cidrs"/>), <c>toPorts</c>. A list written empty is null here, as Cilium
/// treats it as not set. <see cref="Unmodelled"/> names every other field the entry sets (<c>toFQDNs</c>,
/// <c>toServices</c>, <c>fromRequires</c>, <c>icmps</c>, ...).
/// </summary>
public sealed record CiliumPeerRule
{
    public IReadOnlyList<LabelSelector>? Endpoints { get; init; }

    public IReadOnlyList<string>? Entities { get; init; }

    public IReadOnlyList<CiliumCidr>? Cidrs { get; init; }

    public IReadOnlyList<CiliumPortRule>? Ports { get; init; }

    public IReadOnlyList<string> Unmodelled { get; init; } = [];
}

/// <summary>A CIDR of <c>fromCIDR</c> (no except) or <c>fromCIDRSet</c>; <see cref="Unmodelled"/> names <c>cidrGroupRef</c>.</summary>
public sealed record CiliumCidr
{
    public string? Cidr { get; init; }

    public IReadOnlyList<string>? Except { get; init; }

    public string? Unmodelled { get; init; }

    /// <summary>True for an entry of <c>fromCIDRSet</c>/<c>toCIDRSet</c>, false for one of <c>fromCIDR</c>/<c>toCIDR</c>.</summary>
    public bool InSet { get; init; }
}

/// <summary>One <c>toPorts</c> entry: its <c>ports</c> (null: every port) and the L7 or TLS fields it sets.</summary>
public sealed record CiliumPortRule
{
    public IReadOnlyList<CiliumPort>? Ports { get; init; }

    /// <summary><c>rules</c> (L7), <c>serverNames</c>, <c>originatingTLS</c>, <c>terminatingTLS</c>, <c>listener</c> when set.</summary>
    public IReadOnlyList<string> Unmodelled { get; init; } = [];
}

/// <summary>One Cilium port: <c>port</c> as written (a number, a name, or null/<c>0</c> for every port), <c>endPort</c>, <c>protocol</c> (null means ANY).</summary>
public sealed record CiliumPort(string? Port, int? EndPort, string? Protocol);

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

    /// <summary>
    /// The decoded ingress rules, in order. Fewer entries than <see cref="IngressRuleCount"/> means the rules were not
    /// decoded (reachability then answers Unknown where the policy applies).
    /// </summary>
    public IReadOnlyList<CalicoRule> Ingress { get; init; } = [];

    /// <summary>The decoded egress rules, in order (see <see cref="Ingress"/>).</summary>
    public IReadOnlyList<CalicoRule> Egress { get; init; } = [];

    public SourceLocation? Source { get; init; }

    public bool IsGlobal => Namespace is null;
}

/// <summary>
/// One Calico rule: <c>action</c>, <c>protocol</c>/<c>notProtocol</c> (names or numbers, as written), <c>source</c>
/// and <c>destination</c>. <see cref="Unmodelled"/> names the other match fields it sets (<c>http</c>, <c>icmp</c>,
/// <c>notICMP</c>, <c>ipVersion</c>).
/// </summary>
public sealed record CalicoRule
{
    public string? Action { get; init; }

    public string? Protocol { get; init; }

    public string? NotProtocol { get; init; }

    public int? IpVersion { get; init; }

    public CalicoEntity? Source { get; init; }

    public CalicoEntity? Destination { get; init; }

    public IReadOnlyList<string> Unmodelled { get; init; } = [];
}

/// <summary>
/// A Calico <c>source</c> or <c>destination</c>: <c>nets</c>, <c>notNets</c>, <c>selector</c>, <c>notSelector</c>,
/// <c>namespaceSelector</c>, <c>ports</c> and <c>notPorts</c> (numbers, <c>from:to</c> ranges or names, as text).
/// <see cref="Unmodelled"/> names <c>serviceAccounts</c> and <c>services</c> when set.
/// </summary>
public sealed record CalicoEntity
{
    public IReadOnlyList<string>? Nets { get; init; }

    public IReadOnlyList<string>? NotNets { get; init; }

    public string? Selector { get; init; }

    public string? NotSelector { get; init; }

    public string? NamespaceSelector { get; init; }

    public IReadOnlyList<string>? Ports { get; init; }

    public IReadOnlyList<string>? NotPorts { get; init; }

    public IReadOnlyList<string> Unmodelled { get; init; } = [];
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

    public SourceLocation? Source { get; init; }
}

/// <summary>
/// One ANP/BANP/ClusterNetworkPolicy rule, as reachability evaluates it and validation checks it: the action as
/// written (<c>Allow</c>, <c>Accept</c>, <c>Deny</c>, <c>Pass</c>; empty when missing), the peers (<c>from</c> or
/// <c>to</c>; empty when missing) and the ports (<c>ports</c> in v1alpha1, <c>protocols</c> in v1alpha2; null when
/// omitted, which matches every port).
/// </summary>
public sealed record AdminPolicyRule
{
    public string? Name { get; init; }

    public required string Action { get; init; }

    public IReadOnlyList<AdminPolicyPeer> Peers { get; init; } = [];

    public IReadOnlyList<AdminPolicyPort>? Ports { get; init; }
}

/// <summary>
/// One peer. For a valid peer exactly one of <see cref="Namespaces"/>, <see cref="IsPods"/> (with its two selectors)
/// and <see cref="Networks"/> is set for the modelled forms; <see cref="Unmodelled"/> names any other form
/// (<c>nodes</c>, <c>domainNames</c>, or a field the reader does not know). <see cref="Fields"/> lists the fields the
/// peer sets as written, so validation can tell a peer that sets two of them.
/// </summary>
public sealed record AdminPolicyPeer
{
    private readonly IReadOnlyList<string>? _fields;

    /// <summary>
    /// The fields the peer sets (known ones first: <c>namespaces</c>, <c>pods</c>, <c>nodes</c>, <c>networks</c>,
    /// <c>domainNames</c>). A reader sets them as written; a peer built in code without them reports the forms its
    /// properties set, so an object built in code validates as what it models.
    /// </summary>
    public IReadOnlyList<string> Fields
    {
        get => _fields ?? ModelledFields();
        init => _fields = value;
    }

    /// <summary>True when <c>pods</c> is set but lacks <c>namespaceSelector</c> or <c>podSelector</c>.</summary>
    public bool PodsIncomplete { get; init; }

    /// <summary><c>nodes</c> as written (not evaluated; validated).</summary>
    public LabelSelector? Nodes { get; init; }

    public LabelSelector? Namespaces { get; init; }

    public bool IsPods { get; init; }

    public LabelSelector? PodsNamespaceSelector { get; init; }

    public LabelSelector? PodsPodSelector { get; init; }

    public IReadOnlyList<string>? Networks { get; init; }

    public string? Unmodelled { get; init; }

    private string[] ModelledFields()
    {
        var fields = new List<string>(1);
        if (Namespaces is not null)
        {
            fields.Add("namespaces");
        }

        if (IsPods)
        {
            fields.Add("pods");
        }

        if (Nodes is not null || Unmodelled == "nodes")
        {
            fields.Add("nodes");
        }

        if (Networks is not null)
        {
            fields.Add("networks");
        }

        if (Unmodelled == "domainNames")
        {
            fields.Add("domainNames");
        }

        return [.. fields];
    }
}

/// <summary>
/// One port entry: a number (<see cref="Port"/>), an inclusive range (<see cref="Port"/> to <see cref="EndPort"/>),
/// or a container port name (<see cref="NamedPort"/>, resolved on the destination pod). Protocol null means TCP.
/// <see cref="Unmodelled"/> names a form the reader does not know; <see cref="Fields"/> lists the forms an entry sets
/// (<c>portNumber</c>, <c>namedPort</c>, <c>portRange</c> in v1alpha1).
/// </summary>
public sealed record AdminPolicyPort
{
    private readonly IReadOnlyList<string>? _fields;

    /// <summary>The forms the entry sets as written; built in code without them, the form its properties model.</summary>
    public IReadOnlyList<string> Fields
    {
        get => _fields ?? ModelledFields();
        init => _fields = value;
    }

    public string? Protocol { get; init; }

    public int? Port { get; init; }

    public int? EndPort { get; init; }

    public string? NamedPort { get; init; }

    public string? Unmodelled { get; init; }

    private string[] ModelledFields() =>
        NamedPort is not null ? ["namedPort"]
        : EndPort is not null ? ["portRange"]
        : Port is not null ? ["portNumber"]
        : [];
}
