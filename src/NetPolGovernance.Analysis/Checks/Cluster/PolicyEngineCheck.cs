using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>
/// NPG-C01: <c>networkProfile.networkPolicy</c> names an engine. <c>none</c> or absent fails (Critical). BYO CNI
/// (<c>networkPlugin: none</c>) is judged from in-cluster evidence. Without a profile the in-cluster evidence decides:
/// a ready engine DaemonSet passes, a DaemonSet list with no engine fails, an unreadable list (or an engine not ready
/// everywhere) is Unknown, a declared engine passes as declared, and no evidence at all (manifests) is NotApplicable.
/// </summary>
internal sealed class PolicyEngineCheck : IClusterCheck
{
    public CheckDefinition Definition => CheckCatalog.C01PolicyEngine;

    public CheckOutcome Evaluate(ClusterContext context)
    {
        var evidence = EvidenceMap.Of([.. ProfileEvidence.Of(context.Profile, context.Evidence)]);
        var running = EngineState.RunningEngine(context.Evidence);
        var profile = context.Profile;
        if (profile is null)
        {
            return WithoutProfile(context) with { Evidence = evidence };
        }

        var declared = EngineState.FromArmValue(profile.NetworkPolicy);
        if (declared == PolicyEngine.Unknown)
        {
            return CheckOutcome.Unknown($"networkProfile.networkPolicy has an unrecognised value '{profile.NetworkPolicy}'.") with { Evidence = evidence };
        }

        if (declared is not null)
        {
            return CheckOutcome.Pass($"networkProfile.networkPolicy is '{EngineState.Normalize(profile.NetworkPolicy)}'.") with { Evidence = evidence };
        }

        var written = EngineState.Normalize(profile.NetworkPolicy) is { } value ? $"'{value}'" : "absent";
        if (EngineState.Normalize(profile.NetworkPlugin) == "none")
        {
            if (running is { } byo)
            {
                return CheckOutcome.Pass($"BYO CNI (networkPlugin 'none'): a ready {EngineState.EvidenceName(byo)} engine DaemonSet enforces policies.") with { Evidence = evidence };
            }

            if (!context.Readable || context.Evidence is null || context.Evidence.Unavailable)
            {
                return CheckOutcome.Unknown("BYO CNI (networkPlugin 'none'): the policy engine can only be judged from in-cluster evidence, which was not available.") with { Evidence = evidence };
            }

            return CheckOutcome.Fail("BYO CNI (networkPlugin 'none') and no ready policy engine DaemonSet (" + string.Join(", ", PolicyEngines.DeclarableNames.Where(n => n != "none")) + ") was found: NetworkPolicies are not enforced.") with { Evidence = evidence };
        }

        var message = $"networkProfile.networkPolicy is {written}: NetworkPolicy objects are stored but not enforced.";
        if (running is { } unmanaged)
        {
            message += $" A ready {EngineState.EvidenceName(unmanaged)} DaemonSet was found, but AKS does not manage it.";
        }

        return CheckOutcome.Fail(message) with { Evidence = evidence };
    }

    private static CheckOutcome WithoutProfile(ClusterContext context)
    {
        var engine = context.Engine;
        if (engine.Declared)
        {
            return CheckOutcome.Pass($"No network profile; the engine is {engine.Name} as declared by the user, not detected.");
        }

        if (EngineState.RunningEngine(context.Evidence) is { } found)
        {
            return CheckOutcome.Pass($"No network profile; a ready {EngineState.EvidenceName(found)} engine DaemonSet runs in the cluster.");
        }

        if (!context.Readable)
        {
            return CheckOutcome.Unknown($"No network profile and the cluster could not be read: {context.UnreadableReason}");
        }

        if (context.Evidence is null)
        {
            return CheckOutcome.NotApplicable("No network profile (for example a manifests scan) and no engine evidence: the policy engine cannot be judged; declare it with --engine.");
        }

        if (engine.Engine == PolicyEngine.None)
        {
            return CheckOutcome.Fail($"No network profile and no policy engine runs in the cluster ({engine.Basis}): NetworkPolicies are not enforced.");
        }

        return CheckOutcome.Unknown($"No network profile and the policy engine could not be judged: {engine.Basis}.");
    }
}
