namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N01 (the CIS literal): some policy applies to the namespace. Passes with a NetworkPolicy, or a counted
/// namespaced CRD policy (hasAnyPolicy, docs/semantics.md §9), or a counted cluster-scoped policy that governs pods here. CRD kinds
/// count only where the engine may enforce them.
/// </summary>
internal sealed class HasPolicyCheck : INamespaceCheck
{
    public CheckDefinition Definition => CheckCatalog.N01HasPolicy;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var coverage = context.Coverage;
        var evidence = EvidenceMap.Of(
            ("policies", coverage.NamespacedPolicies.Select(p => p.DisplayName)),
            ("clusterPolicies", coverage.ClusterPoliciesGoverning),
            ("notEnforcedPolicies", coverage.UncountedPolicies));
        if (coverage.HasAnyPolicy)
        {
            return CheckOutcome.Pass("The namespace has network policies.") with { Evidence = evidence };
        }

        if (coverage.ClusterPoliciesGoverning.Count > 0)
        {
            return CheckOutcome.Pass("No namespaced policy, but cluster-scoped policies govern pods of this namespace.") with { Evidence = evidence };
        }

        if (context.CoverageMayBeIncomplete)
        {
            return CheckOutcome.Unknown("No visible policy applies, but some policy kinds could not be read.") with
            {
                Evidence = EvidenceMap.Of(("invisibleKinds", context.InvisibleKinds.Select(k => k.ToString()).Order(StringComparer.Ordinal))),
            };
        }

        var message = coverage.UncountedPolicies.Count > 0
            ? "No policy the cluster's engine enforces applies to the namespace (only kinds it does not enforce)."
            : "No network policy applies to the namespace.";
        return CheckOutcome.Fail(message) with { Evidence = evidence, Location = context.NamespaceLocation };
    }
}
