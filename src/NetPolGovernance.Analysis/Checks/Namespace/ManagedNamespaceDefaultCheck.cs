namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N12: an AKS managed namespace whose ARM <c>defaultNetworkPolicy</c> is <c>AllowAll</c> in a direction. The
/// default policy is what AKS creates for the namespace; the message puts it next to what the cluster really holds
/// (the namespace's default-deny NetworkPolicies), since a team may have added its own. NotApplicable for namespaces
/// that are not managed (or whose managed namespaces could not be listed).
/// </summary>
internal sealed class ManagedNamespaceDefaultCheck : INamespaceCheck
{
    public const string AllowAll = "AllowAll";

    public CheckDefinition Definition => CheckCatalog.N12ManagedNamespaceAllowAll;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        if (context.Namespace.Info.AksManaged is not { } managed)
        {
            return CheckOutcome.NotApplicable("Not an AKS managed namespace.");
        }

        var ingress = managed.DefaultIngress ?? "not set";
        var egress = managed.DefaultEgress ?? "not set";
        var held = $"the cluster holds {Held(context.Facts.DefaultDenyIngressPolicies, "ingress")} and {Held(context.Facts.DefaultDenyEgressPolicies, "egress")}";
        var evidence = EvidenceMap.Of(
            ("defaultIngress", EvidenceMap.One(ingress)),
            ("defaultEgress", EvidenceMap.One(egress)),
            ("defaultDenyIngressPolicies", context.Facts.DefaultDenyIngressPolicies),
            ("defaultDenyEgressPolicies", context.Facts.DefaultDenyEgressPolicies),
            ("tags", managed.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")));
        var allowAll = new[] { ("ingress", managed.DefaultIngress), ("egress", managed.DefaultEgress) }
            .Where(d => string.Equals(d.Item2, AllowAll, StringComparison.OrdinalIgnoreCase))
            .Select(d => d.Item1)
            .ToList();
        if (allowAll.Count == 0)
        {
            return CheckOutcome.Pass($"AKS managed namespace: defaultNetworkPolicy ingress {ingress}, egress {egress}; {held}.") with { Evidence = evidence };
        }

        return CheckOutcome.Fail(
            $"AKS managed namespace with defaultNetworkPolicy {string.Join(" and ", allowAll)} AllowAll (ingress {ingress}, egress {egress}); {held}.")
            with { Evidence = evidence, Location = context.NamespaceLocation };
    }

    private static string Held(IReadOnlyList<string> policies, string direction) =>
        policies.Count == 0 ? $"no default-deny {direction} policy" : $"default-deny {direction} in {string.Join(", ", policies)}";
}
