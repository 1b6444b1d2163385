using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N09: the namespace has policy objects (any namespaced kind) and the engine enforces none of them (no engine,
/// Cilium with enforcement off, or only kinds of another engine). Unknown when the engine evidence could not be read;
/// NotApplicable when there is none (manifests).
/// A failure makes the namespace Unenforced.
/// </summary>
internal sealed class UnenforcedPoliciesCheck : INamespaceCheck
{
    public CheckDefinition Definition => CheckCatalog.N09Unenforced;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        var policies = context.Coverage.NamespacedPolicies;
        if (policies.Count == 0)
        {
            return CheckOutcome.Pass("No policy objects in the namespace.");
        }

        var engine = context.Engine;
        var evidence = EvidenceMap.Of(("policies", policies.Select(p => p.DisplayName)), ("engine", EvidenceMap.One(engine.Basis)));
        if (engine.Engine == PolicyEngine.Unknown && engine.EvidenceUnreadable)
        {
            return CheckOutcome.Unknown($"The policy engine could not be determined ({engine.Basis}): whether these policies are enforced is unknown.") with { Evidence = evidence };
        }

        if (engine.Engine == PolicyEngine.Unknown)
        {
            return CheckOutcome.NotApplicable($"The policy engine is unknown ({engine.Basis}).") with { Evidence = evidence };
        }

        if (policies.Any(p => engine.Enforces(p.Kind) != Enforcement.NotEnforced))
        {
            return CheckOutcome.Pass("The engine enforces the namespace's policies.") with { Evidence = evidence };
        }

        return CheckOutcome.Fail($"{policies.Count} policy object(s) exist but the cluster enforces none of them ({engine.Basis}).")
            with { Evidence = evidence, Location = policies.Select(p => p.Source).FirstOrDefault(s => s is not null) };
    }
}
