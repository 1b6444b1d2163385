using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N04 / NPG-N05: every pod (hostNetwork pods excepted; they are reported separately) is covered for the
/// direction by a NetworkPolicy or a counted CRD policy (any-kind coverage, docs/semantics.md §9).
/// </summary>
internal sealed class PodCoverageCheck(PolicyDirection direction) : INamespaceCheck
{
    public CheckDefinition Definition => direction == PolicyDirection.Ingress
        ? CheckCatalog.N04IngressCoverage
        : CheckCatalog.N05EgressCoverage;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var ingress = direction == PolicyDirection.Ingress;
        var word = ingress ? "ingress" : "egress";
        var uncovered = ingress ? context.Coverage.IngressUncoveredPods : context.Coverage.EgressUncoveredPods;
        var covered = ingress ? context.Coverage.IngressCoveredPods : context.Coverage.EgressCoveredPods;
        var hostNetwork = context.Pods.Where(p => p.HostNetwork).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        if (uncovered.Count == 0)
        {
            var message = covered.Count == 0
                ? "The namespace has no pods that policies can select."
                : $"All {covered.Count} pod(s) are selected by an {word} policy.";
            return CheckOutcome.Pass(message) with { Evidence = EvidenceMap.Of(("hostNetworkPods", hostNetwork)) };
        }

        var evidence = EvidenceMap.Of(("uncoveredPods", uncovered), ("hostNetworkPods", hostNetwork));
        if (context.CoverageMayBeIncomplete)
        {
            return CheckOutcome.Unknown($"{uncovered.Count} pod(s) have no visible {word} policy, but some policy kinds could not be read.") with { Evidence = evidence };
        }

        var location = context.Pods.FirstOrDefault(p => string.Equals(p.Name, uncovered[0], StringComparison.Ordinal))?.Source
            ?? context.NamespaceLocation;
        return CheckOutcome.Fail($"{uncovered.Count} of {uncovered.Count + covered.Count} pod(s) are not selected by any {word} policy.")
            with { Evidence = evidence, Location = location };
    }
}
