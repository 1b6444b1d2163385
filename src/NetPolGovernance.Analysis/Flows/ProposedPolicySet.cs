using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// The cluster as it would be with a proposed set of policy objects applied: each proposed object replaces the one of
/// the same kind, namespace and name, or is added; nothing else changes (pods, namespaces, engine). A proposal cannot
/// delete; to stage a deletion, stage the remaining objects of the current set as the proposal and leave out the one.
/// </summary>
public static class ProposedPolicySet
{
    public static ClusterSnapshot Apply(ClusterSnapshot current, ClusterSnapshot proposal)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposal);
        return current with
        {
            NetworkPolicies = Merge(current.NetworkPolicies, proposal.NetworkPolicies, p => ("NetworkPolicy", p.Namespace, p.Name)),
            CiliumPolicies = Merge(current.CiliumPolicies, proposal.CiliumPolicies, p => (p.Kind, p.Namespace, p.Name)),
            CalicoPolicies = Merge(current.CalicoPolicies, proposal.CalicoPolicies, p => (p.Kind, p.Namespace, p.Name)),
            AdminPolicies = Merge(current.AdminPolicies, proposal.AdminPolicies, p => (p.Kind, null, p.Name)),
        };
    }

    /// <summary>How many distinct objects of the proposal replace an existing one, and how many are new.</summary>
    public static (int Replaced, int Added) Count(ClusterSnapshot current, ClusterSnapshot proposal)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposal);
        var existing = current.NetworkPolicies.Select(p => ("NetworkPolicy", (string?)p.Namespace, p.Name))
            .Concat(current.CiliumPolicies.Select(p => (p.Kind, p.Namespace, p.Name)))
            .Concat(current.CalicoPolicies.Select(p => (p.Kind, p.Namespace, p.Name)))
            .Concat(current.AdminPolicies.Select(p => (p.Kind, (string?)null, p.Name)))
            .ToHashSet();
        var proposed = proposal.NetworkPolicies.Select(p => ("NetworkPolicy", (string?)p.Namespace, p.Name))
            .Concat(proposal.CiliumPolicies.Select(p => (p.Kind, p.Namespace, p.Name)))
            .Concat(proposal.CalicoPolicies.Select(p => (p.Kind, p.Namespace, p.Name)))
            .Concat(proposal.AdminPolicies.Select(p => (p.Kind, (string?)null, p.Name)))
            .Distinct()
            .ToList();
        var replaced = proposed.Count(existing.Contains);
        return (replaced, proposed.Count - replaced);
    }

    private static IReadOnlyList<T> Merge<T>(IReadOnlyList<T> current, IReadOnlyList<T> proposed, Func<T, (string Kind, string? Namespace, string Name)> key)
    {
        if (proposed.Count == 0)
        {
            return current;
        }

        // The last object of a kind, namespace and name wins, as a later `kubectl apply` of the same object would.
        var replacing = new Dictionary<(string Kind, string? Namespace, string Name), T>();
        foreach (var policy in proposed)
        {
            replacing[key(policy)] = policy;
        }

        var result = new List<T>(current.Count + proposed.Count);
        foreach (var policy in current)
        {
            if (!replacing.ContainsKey(key(policy)))
            {
                result.Add(policy);
            }
        }

        result.AddRange(proposed.Where(p => ReferenceEquals(replacing[key(p)], p)));
        return result;
    }
}
