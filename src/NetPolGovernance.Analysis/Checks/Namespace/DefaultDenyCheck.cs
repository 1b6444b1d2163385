using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N02 / NPG-N03: §9 defaultDenyIngress / defaultDenyEgress (a select-all NetworkPolicy with the direction in
/// its effective types and no rules of that direction). Still true when an allow-all policy coexists (that is NPG-N06/N07).
/// </summary>
internal sealed class DefaultDenyCheck(PolicyDirection direction) : INamespaceCheck
{
    public CheckDefinition Definition => direction == PolicyDirection.Ingress
        ? CheckCatalog.N02DefaultDenyIngress
        : CheckCatalog.N03DefaultDenyEgress;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var ingress = direction == PolicyDirection.Ingress;
        var word = ingress ? "ingress" : "egress";
        var policies = ingress ? context.Facts.DefaultDenyIngressPolicies : context.Facts.DefaultDenyEgressPolicies;
        if (policies.Count > 0)
        {
            return CheckOutcome.Pass($"Default-deny {word}: {string.Join(", ", policies)}.") with
            {
                Evidence = EvidenceMap.Of(("policies", policies)),
            };
        }

        if (context.InvisibleKinds.Contains(PolicyKind.NetworkPolicy))
        {
            return CheckOutcome.Unknown("NetworkPolicies could not be read.");
        }

        return CheckOutcome.Fail($"No NetworkPolicy denies {word} by default (podSelector: {{}}, {(ingress ? "Ingress" : "Egress")} in policyTypes, no {word} rules).")
            with { Evidence = EvidenceMap.Of(("policies", context.NetworkPolicies.Select(p => p.Name).Order(StringComparer.Ordinal))), Location = context.NamespaceLocation };
    }
}
