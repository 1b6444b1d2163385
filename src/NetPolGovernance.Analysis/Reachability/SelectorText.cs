using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>Short human text for selectors and peers, e.g. <c>namespaceSelector team=a AND podSelector app=api</c>.</summary>
internal static class SelectorText
{
    public static string Peer(NetworkPolicyPeer peer)
    {
        if (peer.IpBlock is { } block)
        {
            return block.Except is { Count: > 0 } except
                ? $"ipBlock {block.Cidr} except {string.Join(", ", except)}"
                : $"ipBlock {block.Cidr}";
        }

        if (peer.NamespaceSelector is not null && peer.PodSelector is not null)
        {
            return $"namespaceSelector {Selector(peer.NamespaceSelector)} AND podSelector {Selector(peer.PodSelector)}";
        }

        return peer.NamespaceSelector is not null
            ? $"namespaceSelector {Selector(peer.NamespaceSelector)}"
            : $"podSelector {Selector(peer.PodSelector)}";
    }

    public static string Selector(LabelSelector? selector)
    {
        if (LabelSelectors.IsSelectAll(selector))
        {
            return "{}";
        }

        var parts = new List<string>();
        foreach (var (key, value) in (selector!.MatchLabels ?? EmptyLabels.Instance).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts.Add($"{key}={value}");
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            parts.Add(requirement.Values is { Count: > 0 } values
                ? $"{requirement.Key} {requirement.Operator} ({string.Join(",", values)})"
                : $"{requirement.Key} {requirement.Operator}");
        }

        return string.Join(",", parts);
    }
}
