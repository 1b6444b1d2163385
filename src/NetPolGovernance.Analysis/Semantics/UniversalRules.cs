using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Semantics;

/// <summary>
/// The structural allow-all test of docs/semantics.md §8: a rule with no ports whose peer list is universal
/// (missing or empty; all pods in all namespaces; or ipBlocks whose union covers <c>0.0.0.0/0</c>).
/// </summary>
internal static class UniversalRules
{
    public static bool AllowsAll(NetworkPolicyRule rule)
    {
        if (rule.Ports is { Count: > 0 })
        {
            return false;
        }

        var peers = rule.Peers;
        if (peers is null || peers.Count == 0)
        {
            return true;
        }

        foreach (var peer in peers)
        {
            if (IsAllPodsEverywhere(peer))
            {
                return true;
            }
        }

        var blocks = new List<IpBlock>();
        foreach (var peer in peers)
        {
            if (peer.IpBlock is not null)
            {
                blocks.Add(peer.IpBlock);
            }
        }

        return blocks.Count > 0 && Ipv4Coverage.CoversAll(blocks);
    }

    /// <summary>A peer with a present, select-all namespaceSelector and a missing or select-all podSelector.</summary>
    private static bool IsAllPodsEverywhere(NetworkPolicyPeer peer) =>
        peer.IpBlock is null
        && peer.NamespaceSelector is not null
        && LabelSelectors.IsSelectAll(peer.NamespaceSelector)
        && LabelSelectors.IsSelectAll(peer.PodSelector);
}
