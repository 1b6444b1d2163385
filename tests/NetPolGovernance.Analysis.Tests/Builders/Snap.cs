using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Tests.Builders;

/// <summary>
/// The one set of small, pure helpers that build snapshot objects for the analysis tests (checks, coverage,
/// reachability, remediation). Labels are written <c>"key=value"</c>. Every call returns new immutable records;
/// tests adjust them with <c>with</c>. Nothing here is shared or mutable.
/// </summary>
internal static class Snap
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);

    public static NamespaceInfo Ns(string name, params string[] labels) => new() { Name = name, Labels = Labels(labels) };

    public static PodInfo Pod(string ns, string name, params string[] labels) => new() { Namespace = ns, Name = name, Labels = Labels(labels) };

    /// <summary>A matchLabels selector; no arguments gives <c>{}</c> (select all).</summary>
    public static LabelSelector Sel(params string[] labels) => new() { MatchLabels = Labels(labels) };

    public static LabelSelector Expr(string key, string op, params string[] values) =>
        new() { MatchExpressions = [new LabelSelectorRequirement(key, op, values.Length == 0 ? null : values)] };

    public static NetworkPolicy Policy(
        string ns,
        string name,
        LabelSelector? podSelector = null,
        string[]? types = null,
        NetworkPolicyRule[]? ingress = null,
        NetworkPolicyRule[]? egress = null) =>
        new()
        {
            Namespace = ns,
            Name = name,
            PodSelector = podSelector,
            PolicyTypes = types,
            Ingress = ingress,
            Egress = egress,
        };

    /// <summary>A rule; null peers, or no ports, mean the field is missing.</summary>
    public static NetworkPolicyRule Rule(NetworkPolicyPeer[]? peers = null, params NetworkPolicyPort[]? ports) =>
        new() { Peers = peers, Ports = ports is { Length: > 0 } ? ports : null };

    public static NetworkPolicyRule AllowAll() => new();

    public static NetworkPolicyPeer PodPeer(LabelSelector selector) => new() { PodSelector = selector };

    public static NetworkPolicyPeer NsPeer(LabelSelector selector, LabelSelector? pods = null) => new() { NamespaceSelector = selector, PodSelector = pods };

    public static NetworkPolicyPeer IpPeer(string cidr, params string[] except) => new() { IpBlock = new IpBlock(cidr, except.Length == 0 ? null : except) };

    public static NetworkPolicyPort Port(int port, string? protocol = null, int? endPort = null) =>
        new() { Port = PortValue.FromNumber(port), Protocol = protocol, EndPort = endPort };

    /// <summary>A named port (resolved per destination pod from its container ports).</summary>
    public static NetworkPolicyPort Named(string name, string? protocol = null) => new() { Port = PortValue.FromName(name), Protocol = protocol };

    public static PodInfo WithPorts(this PodInfo pod, params ContainerPort[] ports) => pod with { ContainerPorts = ports };

    public static ClusterSnapshot Snapshot(
        IEnumerable<NamespaceInfo>? namespaces = null,
        IEnumerable<PodInfo>? pods = null,
        IEnumerable<NetworkPolicy>? policies = null,
        string cluster = "test-cluster") =>
        new()
        {
            Cluster = new ClusterIdentity { Name = cluster, SubscriptionId = "00000000-0000-0000-0000-000000000001" },
            Namespaces = [.. namespaces ?? []],
            Pods = [.. pods ?? []],
            NetworkPolicies = [.. policies ?? []],
        };

    /// <summary>One namespace <c>app</c> with the given pods and policies.</summary>
    public static ClusterSnapshot App(IEnumerable<PodInfo> pods, params NetworkPolicy[] policies) =>
        Snapshot([Ns("app")], pods, policies);

    public static AnalysisOptions Options(
        ComplianceProfile profile = ComplianceProfile.Baseline,
        IReadOnlyList<Exemption>? exemptions = null,
        IReadOnlyList<string>? platform = null) =>
        new() { Now = Now, Profile = profile, Exemptions = exemptions ?? [], PlatformNamespaces = platform };

    public static ClusterNetworkProfile Profile(
        string? plugin = "azure",
        string? policy = "cilium",
        string? dataplane = "cilium",
        string? mode = "overlay",
        params string[] osTypes) =>
        new()
        {
            NetworkPlugin = plugin,
            NetworkPolicy = policy,
            NetworkDataplane = dataplane,
            NetworkPluginMode = mode,
            NodePoolOsTypes = osTypes.Length == 0 ? ["Linux"] : osTypes,
        };

    public static EngineEvidence Evidence(params EngineDaemonSet[] sets) => new() { DaemonSets = sets };

    public static EngineDaemonSet Ready(string engine) => new(engine, "kube-system", engine, 3, 3);

    public static NamespaceAssessment AnalyzeNamespace(ClusterSnapshot snapshot, string ns = "app", AnalysisOptions? options = null) =>
        SnapshotAnalyzer.Analyze(snapshot, options ?? Options()).Namespaces.Single(n => n.Name == ns);

    public static Finding FindingOf(NamespaceAssessment ns, string checkId) => ns.Findings.Single(f => f.CheckId == checkId);

    public static Finding FindingOf(ClusterAssessment cluster, string checkId) => cluster.ClusterFindings.Single(f => f.CheckId == checkId);
}
