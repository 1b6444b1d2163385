using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy coverage (docs/semantics.md §9.1): a rule's
/// <c>endpointSelector</c> (keys with <c>k8s:</c>/<c>any:</c> prefixes stripped) matches the pod labels plus
/// <c>io.kubernetes.pod.namespace</c>, and the rule has a non-empty ingress/ingressDeny (egress/egressDeny) list.
/// A CNP selects only pods of its own namespace; a rule with only a nodeSelector selects no pods.
/// </summary>
internal sealed class CiliumSubject : ICoverageSubject
{
    private readonly (LabelSelector Selector, PolicyDirection Directions)[] _rules;
    private readonly (LabelSelector Selector, PolicyDirection Directions)[] _defaultDenyRules;
    private readonly (LabelSelector Selector, PolicyDirection Directions)[] _isolatingRules;

    public CiliumSubject(CiliumPolicy policy)
    {
        Namespace = policy.Namespace;
        Name = policy.Name;
        Source = policy.Source;
        Kind = policy.IsClusterwide ? PolicyKind.CiliumClusterwideNetworkPolicy : PolicyKind.CiliumNetworkPolicy;
        _rules = [.. policy.Rules
            .Where(r => r.EndpointSelector is not null)
            .Select(r => (StripSourcePrefixes(r.EndpointSelector!), Directions(r)))
            .Where(r => r.Item2 != PolicyDirection.None)];
        _isolatingRules = [.. policy.Rules
            .Where(r => r.EndpointSelector is not null)
            .Select(r => (StripSourcePrefixes(r.EndpointSelector!), DefaultDenyDirections(r)))
            .Where(r => r.Item2 != PolicyDirection.None)];
        _defaultDenyRules = [.. policy.Rules
            .Where(r => r.EndpointSelector is not null)
            .Select(r => (StripSourcePrefixes(r.EndpointSelector!), DefaultDenyDirections(r)))
            .Where(r => r.Item2 != PolicyDirection.None && r.Item1.MatchExpressions!.All(e => IsNamespaceKey(e.Key)))];
    }

    public PolicyKind Kind { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public SourceLocation? Source { get; }

    public PolicyDirection DefaultDenies(NamespaceView ns)
    {
        if (Namespace is not null && !string.Equals(Namespace, ns.Name, StringComparison.Ordinal))
        {
            return PolicyDirection.None;
        }

        var result = PolicyDirection.None;
        if (_defaultDenyRules.Length == 0)
        {
            return result;
        }

        var nsOnly = new PodView(new PodInfo { Namespace = ns.Name, Name = string.Empty }, ns);
        foreach (var (selector, directions) in _defaultDenyRules)
        {
            if (LabelSelectors.Matches(selector, nsOnly.CiliumLabels))
            {
                result |= directions;
            }
        }

        return result;
    }

    public PolicyDirection Governs(PodView pod) => Match(_rules, pod);

    public PolicyDirection Isolates(PodView pod) => Match(_isolatingRules, pod);

    private PolicyDirection Match((LabelSelector Selector, PolicyDirection Directions)[] rules, PodView pod)
    {
        if (Namespace is not null && !string.Equals(Namespace, pod.Pod.Namespace, StringComparison.Ordinal))
        {
            return PolicyDirection.None;
        }

        var result = PolicyDirection.None;
        foreach (var (selector, directions) in rules)
        {
            if ((result & directions) != directions && LabelSelectors.Matches(selector, pod.CiliumLabels))
            {
                result |= directions;
            }
        }

        return result;
    }

    /// <summary>Removes the <c>k8s:</c> and <c>any:</c> label source prefixes from selector keys.</summary>
    /// <remarks>matchLabels become single-value <c>In</c> requirements, so <c>k8s:app</c> and <c>app</c> may coexist.</remarks>
    internal static LabelSelector StripSourcePrefixes(LabelSelector selector)
    {
        var requirements = new List<LabelSelectorRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? EmptyLabels.Instance)
        {
            requirements.Add(new LabelSelectorRequirement(StripKey(key), "In", [value]));
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            requirements.Add(requirement with { Key = StripKey(requirement.Key) });
        }

        return new LabelSelector { MatchExpressions = requirements };
    }

    internal static string StripKey(string key)
    {
        if (key.StartsWith("k8s:", StringComparison.Ordinal))
        {
            return key[4..];
        }

        return key.StartsWith("any:", StringComparison.Ordinal) ? key[4..] : key;
    }

    /// <summary>Keys every pod of a namespace shares: the namespace pseudo-label and namespace-label keys.</summary>
    private static bool IsNamespaceKey(string key) =>
        string.Equals(key, "io.kubernetes.pod.namespace", StringComparison.Ordinal)
        || key.StartsWith("io.cilium.k8s.namespace.labels.", StringComparison.Ordinal);

    /// <summary>Directions with a section whose default-deny is not switched off (<c>enableDefaultDeny</c>).</summary>
    private static PolicyDirection DefaultDenyDirections(CiliumRule rule)
    {
        var result = Directions(rule);
        if (rule.EnableDefaultDenyIngress == false)
        {
            result &= ~PolicyDirection.Ingress;
        }

        if (rule.EnableDefaultDenyEgress == false)
        {
            result &= ~PolicyDirection.Egress;
        }

        return result;
    }

    private static PolicyDirection Directions(CiliumRule rule)
    {
        var result = PolicyDirection.None;
        if (rule.IngressCount + rule.IngressDenyCount > 0)
        {
            result |= PolicyDirection.Ingress;
        }

        if (rule.EgressCount + rule.EgressDenyCount > 0)
        {
            result |= PolicyDirection.Egress;
        }

        return result;
    }
}
