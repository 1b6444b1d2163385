using k8s.Models;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Remediation;

/// <summary>Maps the analysis model of a NetworkPolicy to the KubernetesClient wire type, keeping missing versus empty.</summary>
internal static class NetworkPolicyMapper
{
    public static V1NetworkPolicy ToV1(NetworkPolicy policy) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta
        {
            Name = policy.Name,
            NamespaceProperty = policy.Namespace,
            Labels = policy.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
            Annotations = policy.Annotations.Count == 0 ? null : policy.Annotations.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
        },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = Selector(policy.PodSelector) ?? new V1LabelSelector(),
            PolicyTypes = policy.PolicyTypes?.ToList(),
            Ingress = policy.Ingress?.Select(r => new V1NetworkPolicyIngressRule { FromProperty = Peers(r.Peers), Ports = Ports(r.Ports) }).ToList(),
            Egress = policy.Egress?.Select(r => new V1NetworkPolicyEgressRule { To = Peers(r.Peers), Ports = Ports(r.Ports) }).ToList(),
        },
    };

    private static List<V1NetworkPolicyPeer>? Peers(IReadOnlyList<NetworkPolicyPeer>? peers) =>
        peers?.Select(p => new V1NetworkPolicyPeer
        {
            PodSelector = Selector(p.PodSelector),
            NamespaceSelector = Selector(p.NamespaceSelector),
            IpBlock = p.IpBlock is null ? null : new V1IPBlock { Cidr = p.IpBlock.Cidr, Except = p.IpBlock.Except?.ToList() },
        }).ToList();

    private static List<V1NetworkPolicyPort>? Ports(IReadOnlyList<NetworkPolicyPort>? ports) =>
        ports?.Select(p => new V1NetworkPolicyPort
        {
            Protocol = p.Protocol,
            Port = p.Port is null ? null : p.Port.Number is int number ? (IntOrString)number : (IntOrString)p.Port.Name!,
            EndPort = p.EndPort,
        }).ToList();

    private static V1LabelSelector? Selector(LabelSelector? selector) => selector is null
        ? null
        : new V1LabelSelector
        {
            MatchLabels = selector.MatchLabels?.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
            MatchExpressions = selector.MatchExpressions?.Select(e => new V1LabelSelectorRequirement
            {
                Key = e.Key,
                OperatorProperty = e.Operator,
                Values = e.Values?.ToList(),
            }).ToList(),
        };
}
