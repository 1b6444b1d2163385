using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Tests.Reachability;

/// <summary>Terse construction of snapshots, policies and selectors for reachability and remediation tests.</summary>
internal static class Build
{
    public static ClusterSnapshot Snapshot(IEnumerable<PodInfo> pods, IEnumerable<NetworkPolicy> policies, params NamespaceInfo[] namespaces) => new()
    {
        Cluster = new ClusterIdentity { Name = "test" },
        Pods = [.. pods],
        NetworkPolicies = [.. policies],
        Namespaces = namespaces,
    };

    public static NamespaceInfo Namespace(string name, params (string Key, string Value)[] labels) =>
        new() { Name = name, Labels = Labels(labels) };

    public static PodInfo Pod(string ns, string name, params (string Key, string Value)[] labels) =>
        new() { Namespace = ns, Name = name, Labels = Labels(labels) };

    public static PodInfo WithPorts(this PodInfo pod, params ContainerPort[] ports) => pod with { ContainerPorts = ports };

    public static LabelSelector Select(params (string Key, string Value)[] labels) => new() { MatchLabels = Labels(labels) };

    public static IReadOnlyDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    public static NetworkPolicy Policy(
        string ns,
        string name,
        LabelSelector? podSelector = null,
        IReadOnlyList<string>? types = null,
        IReadOnlyList<NetworkPolicyRule>? ingress = null,
        IReadOnlyList<NetworkPolicyRule>? egress = null) => new()
        {
            Namespace = ns,
            Name = name,
            PodSelector = podSelector ?? LabelSelector.Everything,
            PolicyTypes = types,
            Ingress = ingress,
            Egress = egress,
        };

    public static NetworkPolicyRule Rule(IReadOnlyList<NetworkPolicyPeer>? peers = null, params NetworkPolicyPort[] ports) =>
        new() { Peers = peers, Ports = ports.Length == 0 ? null : ports };

    public static NetworkPolicyPeer Pods(LabelSelector selector) => new() { PodSelector = selector };

    public static NetworkPolicyPeer Namespaces(LabelSelector selector) => new() { NamespaceSelector = selector };

    public static NetworkPolicyPeer PodsInNamespaces(LabelSelector namespaces, LabelSelector pods) =>
        new() { NamespaceSelector = namespaces, PodSelector = pods };

    public static NetworkPolicyPeer Block(string cidr, params string[] except) =>
        new() { IpBlock = new IpBlock(cidr, except.Length == 0 ? null : except) };

    public static NetworkPolicyPort Port(int port, string? protocol = null, int? endPort = null) =>
        new() { Port = PortValue.FromNumber(port), Protocol = protocol, EndPort = endPort };

    public static NetworkPolicyPort Named(string name, string? protocol = null) =>
        new() { Port = PortValue.FromName(name), Protocol = protocol };
}
