using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N06 / NPG-N07: docs/semantics.md §8 allowAllIngress / allowAllEgress: a NetworkPolicy with the direction in its effective types
/// has a rule with no ports and a universal peer list. Structural: it fails even if the policy selects no pods today.
/// </summary>
internal sealed class AllowAllCheck(PolicyDirection direction) : INamespaceCheck
{
    public CheckDefinition Definition => direction == PolicyDirection.Ingress
        ? CheckCatalog.N06AllowAllIngress
        : CheckCatalog.N07AllowAllEgress;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var ingress = direction == PolicyDirection.Ingress;
        var word = ingress ? "ingress" : "egress";
        var policies = ingress ? context.Facts.AllowAllIngressPolicies : context.Facts.AllowAllEgressPolicies;
        if (policies.Count == 0)
        {
            return CheckOutcome.Pass($"No NetworkPolicy allows all {word}.");
        }

        return CheckOutcome.Fail($"Allow-all {word} rule in {string.Join(", ", policies)}: it voids {word} isolation of the pods it selects.")
            with { Evidence = EvidenceMap.Of(("policies", policies)), Location = context.PolicyLocation(policies[0]) };
    }
}
