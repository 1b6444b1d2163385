using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// AdminNetworkPolicy / BaselineAdminNetworkPolicy coverage (docs/semantics.md §9.3): the subject matches
/// (<c>namespaces</c>: the pod's namespace; <c>pods</c>: namespace and pod selectors both, empty = all) and the
/// object has at least one rule in the direction. Selection alone isolates nothing.
/// </summary>
internal sealed class AdminSubject : ICoverageSubject
{
    private readonly AdminPolicy _policy;

    public AdminSubject(AdminPolicy policy)
    {
        _policy = policy;
        var baseline = string.Equals(policy.Kind, "BaselineAdminNetworkPolicy", StringComparison.Ordinal)
            || (IsClusterNetworkPolicy(policy) && string.Equals(policy.Tier, "Baseline", StringComparison.Ordinal));
        Kind = baseline ? PolicyKind.BaselineAdminNetworkPolicy : PolicyKind.AdminNetworkPolicy;
    }

    public PolicyKind Kind { get; }

    public string? Namespace => null;

    public string Name => _policy.Name;

    public SourceLocation? Source => _policy.Source;

    /// <summary>
    /// True for the API versions the analysis understands: v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy,
    /// and v1alpha2 ClusterNetworkPolicy (counted as ANP or BANP by its tier, as the reachability engine evaluates it).
    /// </summary>
    public static bool IsKnownVersion(AdminPolicy policy) =>
        (policy.ApiVersion.StartsWith("policy.networking.k8s.io/v1alpha", StringComparison.Ordinal)
            && policy.Kind is "AdminNetworkPolicy" or "BaselineAdminNetworkPolicy")
        || IsClusterNetworkPolicy(policy);

    private static bool IsClusterNetworkPolicy(AdminPolicy policy) =>
        string.Equals(policy.ApiVersion, "policy.networking.k8s.io/v1alpha2", StringComparison.Ordinal)
        && string.Equals(policy.Kind, "ClusterNetworkPolicy", StringComparison.Ordinal);

    public PolicyDirection DefaultDenies(NamespaceView ns) => PolicyDirection.None;

    public PolicyDirection Isolates(PodView pod) => PolicyDirection.None;

    public PolicyDirection Governs(PodView pod)
    {
        var directions = PolicyDirection.None;
        if (_policy.IngressRuleCount > 0)
        {
            directions |= PolicyDirection.Ingress;
        }

        if (_policy.EgressRuleCount > 0)
        {
            directions |= PolicyDirection.Egress;
        }

        if (directions == PolicyDirection.None)
        {
            return PolicyDirection.None;
        }

        var selected = _policy.SubjectIsPods
            ? LabelSelectors.Matches(_policy.SubjectPodsNamespaceSelector, pod.Namespace.Labels)
              && LabelSelectors.Matches(_policy.SubjectPodsPodSelector, pod.Pod.Labels)
            : _policy.SubjectNamespaces is not null && LabelSelectors.Matches(_policy.SubjectNamespaces, pod.Namespace.Labels);
        return selected ? directions : PolicyDirection.None;
    }
}
