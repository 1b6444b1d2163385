using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N02 / NPG-N03: docs/semantics.md §8 defaultDenyIngress / defaultDenyEgress (a select-all NetworkPolicy with the direction in
/// its effective types and no rules of that direction). Still true when an allow-all policy coexists (that is NPG-N06/N07).
/// A counted CRD policy that structurally puts every pod of the namespace in a deny-by-default mode also passes (a
/// Cilium select-all rule with a section of that direction; a Calico select-all policy with the type and no rules of
/// it), so a Cilium- or Calico-native namespace is not pushed into redundant NetworkPolicies. The §8 fact itself stays
/// NetworkPolicy-only.
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

        var crd = ingress ? context.Coverage.CrdDefaultDenyIngress : context.Coverage.CrdDefaultDenyEgress;
        if (crd.Count > 0)
        {
            return CheckOutcome.Pass($"Default-deny {word} through {string.Join(", ", crd)} (every pod of the namespace is selected with an {word} section).") with
            {
                Evidence = EvidenceMap.Of(("crdPolicies", crd)),
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
