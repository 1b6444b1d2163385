using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Semantics;

/// <summary>
/// The per-namespace facts of docs/semantics.md §8, computed from <c>networking.k8s.io/v1</c>
/// NetworkPolicies only. Pod lists are sorted ordinally; policy lists hold policy names, sorted ordinally.
/// hostNetwork pods are not selectable (docs/semantics.md §1) and never appear in the isolation lists.
/// </summary>
internal sealed record NamespaceFacts
{
    public required bool HasPolicy { get; init; }

    public required IReadOnlyList<string> IngressIsolatedPods { get; init; }

    public required IReadOnlyList<string> EgressIsolatedPods { get; init; }

    public required bool DefaultDenyIngress { get; init; }

    public required bool DefaultDenyEgress { get; init; }

    public required bool AllowAllIngress { get; init; }

    public required bool AllowAllEgress { get; init; }

    public required IReadOnlyList<string> DeadPolicies { get; init; }

    /// <summary>Policies that make <see cref="DefaultDenyIngress"/> true (evidence).</summary>
    public required IReadOnlyList<string> DefaultDenyIngressPolicies { get; init; }

    public required IReadOnlyList<string> DefaultDenyEgressPolicies { get; init; }

    /// <summary>Policies with an allow-all ingress rule (evidence).</summary>
    public required IReadOnlyList<string> AllowAllIngressPolicies { get; init; }

    public required IReadOnlyList<string> AllowAllEgressPolicies { get; init; }

    /// <summary>Per selectable pod (same order as the input), the directions it is isolated in.</summary>
    internal required IReadOnlyList<PolicyDirection> Isolation { get; init; }

    /// <summary>
    /// Computes the facts for one namespace. <paramref name="policies"/> must be the NetworkPolicies of
    /// that namespace and <paramref name="selectablePods"/> its pods that policies can select (not hostNetwork),
    /// sorted ordinally by name without duplicates (the isolation lists keep that order).
    /// </summary>
    public static NamespaceFacts Compute(IReadOnlyList<PodInfo> selectablePods, IReadOnlyList<NetworkPolicy> policies)
    {
        var isolation = new PolicyDirection[selectablePods.Count];
        var dead = new SortedSet<string>(StringComparer.Ordinal);
        var denyIngress = new SortedSet<string>(StringComparer.Ordinal);
        var denyEgress = new SortedSet<string>(StringComparer.Ordinal);
        var allowIngress = new SortedSet<string>(StringComparer.Ordinal);
        var allowEgress = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var policy in policies)
        {
            var types = PolicyDirections.EffectiveTypes(policy);
            var ingress = (types & PolicyDirection.Ingress) != 0;
            var egress = (types & PolicyDirection.Egress) != 0;
            var selectsAny = false;

            for (var i = 0; i < selectablePods.Count; i++)
            {
                if (Selects(policy, selectablePods[i]))
                {
                    selectsAny = true;
                    isolation[i] |= types;
                }
            }

            if (!selectsAny)
            {
                dead.Add(policy.Name);
            }

            ClassifyDirection(policy, PolicyDirection.Ingress, ingress, denyIngress, allowIngress);
            ClassifyDirection(policy, PolicyDirection.Egress, egress, denyEgress, allowEgress);
        }

        return new NamespaceFacts
        {
            HasPolicy = policies.Count > 0,
            IngressIsolatedPods = PodsIn(selectablePods, isolation, PolicyDirection.Ingress),
            EgressIsolatedPods = PodsIn(selectablePods, isolation, PolicyDirection.Egress),
            Isolation = isolation,
            DefaultDenyIngress = denyIngress.Count > 0,
            DefaultDenyEgress = denyEgress.Count > 0,
            AllowAllIngress = allowIngress.Count > 0,
            AllowAllEgress = allowEgress.Count > 0,
            DeadPolicies = [.. dead],
            DefaultDenyIngressPolicies = [.. denyIngress],
            DefaultDenyEgressPolicies = [.. denyEgress],
            AllowAllIngressPolicies = [.. allowIngress],
            AllowAllEgressPolicies = [.. allowEgress],
        };
    }

    /// <summary>
    /// Whether the policy's <c>spec.podSelector</c> selects the pod. A policy never selects a pod of another
    /// namespace; an omitted podSelector selects every pod of the namespace.
    /// </summary>
    public static bool Selects(NetworkPolicy policy, PodInfo pod) =>
        string.Equals(policy.Namespace, pod.Namespace, StringComparison.Ordinal)
        && !pod.HostNetwork
        && LabelSelectors.Matches(policy.PodSelector, pod.Labels);

    /// <summary>The names of the pods whose flags contain <paramref name="direction"/>, in input order.</summary>
    internal static List<string> PodsIn(IReadOnlyList<PodInfo> pods, IReadOnlyList<PolicyDirection> flags, PolicyDirection direction)
    {
        var names = new List<string>();
        for (var i = 0; i < pods.Count; i++)
        {
            if ((flags[i] & direction) != 0)
            {
                names.Add(pods[i].Name);
            }
        }

        return names;
    }

    private static void ClassifyDirection(
        NetworkPolicy policy,
        PolicyDirection direction,
        bool affected,
        SortedSet<string> defaultDeny,
        SortedSet<string> allowAll)
    {
        if (!affected)
        {
            return;
        }

        var rules = PolicyDirections.Rules(policy, direction);
        if (rules.Count == 0 && LabelSelectors.IsSelectAll(policy.PodSelector))
        {
            defaultDeny.Add(policy.Name);
        }

        foreach (var rule in rules)
        {
            if (UniversalRules.AllowsAll(rule))
            {
                allowAll.Add(policy.Name);
                break;
            }
        }
    }
}
