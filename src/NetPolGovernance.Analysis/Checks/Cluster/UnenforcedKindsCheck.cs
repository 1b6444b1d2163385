using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>
/// NPG-C05: CRD policy objects (Cilium, Calico, AdminNetworkPolicy) of a kind the running engine does not enforce.
/// NotApplicable when the engine is unknown (for example a manifests scan); kinds whose enforcement is uncertain
/// (AdminNetworkPolicy on Calico) are listed as evidence, not failed.
/// </summary>
internal sealed class UnenforcedKindsCheck : IClusterCheck
{
    public CheckDefinition Definition => CheckCatalog.C05UnenforcedKinds;

    public CheckOutcome Evaluate(ClusterContext context)
    {
        if (!context.Readable)
        {
            return CheckOutcome.Unknown($"The cluster could not be read: {context.UnreadableReason}");
        }

        var policies = context.CrdPolicies;
        if (policies.Count == 0)
        {
            return CheckOutcome.Pass("No CRD policy objects (Cilium, Calico, AdminNetworkPolicy).");
        }

        var engine = context.Engine;
        if (engine.Engine == PolicyEngine.Unknown && engine.EvidenceUnreadable)
        {
            return CheckOutcome.Unknown($"The policy engine could not be determined ({engine.Basis}): whether the CRD policies are enforced is unknown.")
                with { Evidence = EvidenceMap.Of(("policies", policies.Select(p => p.DisplayName))) };
        }

        if (engine.Engine == PolicyEngine.Unknown)
        {
            return CheckOutcome.NotApplicable($"The policy engine is unknown ({engine.Basis}); CRD policies are counted as if enforced.")
                with { Evidence = EvidenceMap.Of(("policies", policies.Select(p => p.DisplayName))) };
        }

        var notEnforced = policies.Where(p => engine.Enforces(p.Kind) == Enforcement.NotEnforced).ToList();
        var uncertain = policies.Where(p => engine.Enforces(p.Kind) == Enforcement.Unknown).Select(p => p.DisplayName);
        var evidence = EvidenceMap.Of(
            ("notEnforced", notEnforced.Select(p => p.DisplayName)),
            ("enforcementUnknown", uncertain),
            ("engine", EvidenceMap.One(engine.Basis)));
        if (notEnforced.Count == 0)
        {
            return CheckOutcome.Pass("Every CRD policy object is of a kind the engine enforces.") with { Evidence = evidence };
        }

        var kinds = string.Join(", ", notEnforced.Select(p => PolicyKinds.DisplayName(p.Kind)).Distinct().Order(StringComparer.Ordinal));
        return CheckOutcome.Fail($"{notEnforced.Count} policy object(s) of kinds the engine ({engine.Basis}) does not enforce: {kinds}.")
            with { Evidence = evidence, Location = notEnforced.Select(p => p.Source).FirstOrDefault(s => s is not null) };
    }
}
