using NetPolGovernance.Analysis.Calico;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// Calico NetworkPolicy / GlobalNetworkPolicy coverage (docs/semantics.md §9.2): <c>spec.selector</c> matches the
/// workload endpoint (and, for a GlobalNetworkPolicy, <c>spec.namespaceSelector</c> matches its namespace), for
/// the Calico-defaulted <c>types</c>. A namespaced policy selects only pods of its namespace. Pods carry no
/// service-account data, so a policy with a non-trivial <c>serviceAccountSelector</c> is not credited with any pod.
/// </summary>
internal sealed class CalicoSubject : ICoverageSubject
{
    private readonly CalicoSelector? _selector;
    private readonly CalicoSelector? _namespaceSelector;
    private readonly PolicyDirection _directions;
    private readonly PolicyDirection _denyDirections;

    public CalicoSubject(CalicoPolicy policy, string name, bool global, CalicoSelector? selector, CalicoSelector? namespaceSelector)
    {
        Policy = policy;
        Name = name;
        Namespace = global ? null : policy.Namespace;
        Source = policy.Source;
        Kind = global ? PolicyKind.CalicoGlobalNetworkPolicy : PolicyKind.CalicoNetworkPolicy;
        _selector = selector;
        _namespaceSelector = namespaceSelector;
        _directions = DefaultedTypes(policy);
        _denyDirections = selector?.SelectsEverything == true
            ? _directions & ~((policy.IngressRuleCount > 0 ? PolicyDirection.Ingress : PolicyDirection.None)
                | (policy.EgressRuleCount > 0 ? PolicyDirection.Egress : PolicyDirection.None))
            : PolicyDirection.None;
    }

    public PolicyKind Kind { get; }

    /// <summary>The policy as read (its rules are evaluated by reachability).</summary>
    public CalicoPolicy Policy { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public SourceLocation? Source { get; }

    public PolicyDirection DefaultDenies(NamespaceView ns)
    {
        if (_denyDirections == PolicyDirection.None || _namespaceSelector is null)
        {
            return PolicyDirection.None;
        }

        if (Namespace is not null)
        {
            return string.Equals(Namespace, ns.Name, StringComparison.Ordinal) ? _denyDirections : PolicyDirection.None;
        }

        return _namespaceSelector.Matches(ns.CalicoLabels) ? _denyDirections : PolicyDirection.None;
    }

    /// <summary>Calico denies what no policy admits for an endpoint that a policy of the direction selects.</summary>
    public PolicyDirection Isolates(PodView pod) => Governs(pod);

    public PolicyDirection Governs(PodView pod)
    {
        if (_selector is null || _namespaceSelector is null || _directions == PolicyDirection.None)
        {
            return PolicyDirection.None;
        }

        if (Namespace is not null && !string.Equals(Namespace, pod.Pod.Namespace, StringComparison.Ordinal))
        {
            return PolicyDirection.None;
        }

        if (!_namespaceSelector.Matches(pod.Namespace.CalicoLabels) || !_selector.Matches(pod.CalicoLabels))
        {
            return PolicyDirection.None;
        }

        return _directions;
    }

    /// <summary>
    /// Calico's <c>types</c> default: explicit non-empty types as written; otherwise Ingress and Egress when both rule
    /// lists are non-empty, Egress when only egress rules exist, Ingress otherwise.
    /// </summary>
    internal static PolicyDirection DefaultedTypes(CalicoPolicy policy)
    {
        if (policy.Types is { Count: > 0 } types)
        {
            var result = PolicyDirection.None;
            foreach (var type in types)
            {
                if (string.Equals(type, "Ingress", StringComparison.OrdinalIgnoreCase))
                {
                    result |= PolicyDirection.Ingress;
                }
                else if (string.Equals(type, "Egress", StringComparison.OrdinalIgnoreCase))
                {
                    result |= PolicyDirection.Egress;
                }
            }

            return result;
        }

        return (policy.IngressRuleCount > 0, policy.EgressRuleCount > 0) switch
        {
            (true, true) => PolicyDirection.Ingress | PolicyDirection.Egress,
            (false, true) => PolicyDirection.Egress,
            _ => PolicyDirection.Ingress,
        };
    }
}
