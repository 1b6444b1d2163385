using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Pipeline;

/// <summary>
/// A short hash of the policies that apply to a namespace, so drift queries can tell "the policy set changed" from
/// "the same set was judged again". NetworkPolicies count by content, not by name: each is written in a canonical form
/// (effective policy types, selectors with their labels and expressions sorted, rules, peers and ports sorted, since
/// their order does not change what a policy allows), so renaming a policy or reordering its rules keeps the hash.
/// Cilium, Calico and admin policies count by kind and name (a change inside their spec is not seen here; the
/// findings still change with it). The hash is the first 16 hex digits of SHA-256 over the sorted canonical forms.
/// </summary>
internal static class PolicySetFingerprint
{
    public static string Of(IReadOnlyList<NetworkPolicy> networkPolicies, IEnumerable<PolicyRef> namespacedPolicies)
    {
        ArgumentNullException.ThrowIfNull(networkPolicies);
        ArgumentNullException.ThrowIfNull(namespacedPolicies);
        var forms = networkPolicies
            .DistinctBy(p => p.Name, StringComparer.Ordinal)
            .Select(Canonical)
            .Concat(namespacedPolicies.Where(p => p.Kind != PolicyKind.NetworkPolicy).Select(p => $"{PolicyKinds.DisplayName(p.Kind)}/{p.Name}"))
            .Order(StringComparer.Ordinal);
        var text = string.Join('\n', forms);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    /// <summary>The policy as what it allows, without its name: <c>np sel=… types=… in=[…] eg=[…]</c>.</summary>
    internal static string Canonical(NetworkPolicy policy)
    {
        var hasEgressRules = policy.Egress is { Count: > 0 };
        var types = policy.PolicyTypes is { Count: > 0 } written
            ? written.Order(StringComparer.Ordinal)
            : hasEgressRules ? ["Egress", "Ingress"] : (IEnumerable<string>)["Ingress"];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"np sel={Selector(policy.PodSelector ?? LabelSelector.Everything)} types={string.Join(',', types)} in={Rules(policy.Ingress)} eg={Rules(policy.Egress)}");
    }

    private static string Rules(IReadOnlyList<NetworkPolicyRule>? rules) =>
        rules is null ? "-" : "[" + string.Join(";", rules.Select(Rule).Order(StringComparer.Ordinal)) + "]";

    private static string Rule(NetworkPolicyRule rule)
    {
        var peers = rule.Peers is null ? "*" : "(" + string.Join("|", rule.Peers.Select(Peer).Order(StringComparer.Ordinal)) + ")";
        var ports = rule.Ports is null or { Count: 0 } ? "*" : "(" + string.Join("|", rule.Ports.Select(Port).Order(StringComparer.Ordinal)) + ")";
        return $"peers={peers} ports={ports}";
    }

    private static string Peer(NetworkPolicyPeer peer)
    {
        if (peer.IpBlock is { } block)
        {
            var except = block.Except is { Count: > 0 } ? string.Join(',', block.Except.Order(StringComparer.Ordinal)) : string.Empty;
            return $"ip:{block.Cidr}-{except}";
        }

        var pods = peer.PodSelector is null ? "~" : Selector(peer.PodSelector);
        var namespaces = peer.NamespaceSelector is null ? "~" : Selector(peer.NamespaceSelector);
        return $"pod:{pods} ns:{namespaces}";
    }

    private static string Port(NetworkPolicyPort port) =>
        string.Create(CultureInfo.InvariantCulture, $"{(port.Protocol ?? "TCP").ToUpperInvariant()}/{port.Port?.ToString() ?? "*"}-{port.EndPort}");

    private static string Selector(LabelSelector selector)
    {
        var labels = (selector.MatchLabels ?? EmptyLabels.Instance)
            .Select(l => $"{l.Key}={l.Value}")
            .Order(StringComparer.Ordinal);
        var expressions = (selector.MatchExpressions ?? [])
            .Select(e => $"{e.Key} {e.Operator} {string.Join(',', (e.Values ?? []).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal);
        return "{" + string.Join(",", labels) + "|" + string.Join(",", expressions) + "}";
    }
}
