namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>NPG-N08: deadPolicies (docs/semantics.md §8): NetworkPolicies that select none of the namespace's current pods.</summary>
internal sealed class DeadPolicyCheck : INamespaceCheck
{
    public CheckDefinition Definition => CheckCatalog.N08DeadPolicy;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var dead = context.Facts.DeadPolicies;
        if (dead.Count == 0)
        {
            return CheckOutcome.Pass(context.NetworkPolicies.Count == 0 ? "No NetworkPolicies." : "Every NetworkPolicy selects at least one pod.");
        }

        return CheckOutcome.Fail($"{dead.Count} NetworkPolic{(dead.Count == 1 ? "y selects" : "ies select")} no pod: {string.Join(", ", dead)}.")
            with { Evidence = EvidenceMap.Of(("policies", dead)), Location = context.PolicyLocation(dead[0]) };
    }
}
