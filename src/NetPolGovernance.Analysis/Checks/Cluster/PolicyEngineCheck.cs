using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>
/// NPG-C01: <c>networkProfile.networkPolicy</c> names an engine. <c>none</c> or absent fails (Critical). BYO CNI
/// (<c>networkPlugin: none</c>) is judged from in-cluster evidence. Without a profile, a ready engine DaemonSet passes
/// and anything else is NotApplicable (never Pass).
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
            return running is { } found
                ? CheckOutcome.Pass($"No network profile; a ready {EngineState.EvidenceName(found)} engine DaemonSet runs in the cluster.") with { Evidence = evidence }
                : CheckOutcome.NotApplicable("No network profile (for example a manifests scan) and no engine evidence: the policy engine cannot be judged.") with { Evidence = evidence };
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

            return CheckOutcome.Fail("BYO CNI (networkPlugin 'none') and no ready policy engine DaemonSet (azure-npm, calico, cilium) was found: NetworkPolicies are not enforced.") with { Evidence = evidence };
        }

        var message = $"networkProfile.networkPolicy is {written}: NetworkPolicy objects are stored but not enforced.";
        if (running is { } unmanaged)
        {
            message += $" A ready {EngineState.EvidenceName(unmanaged)} DaemonSet was found, but AKS does not manage it.";
        }

        return CheckOutcome.Fail(message) with { Evidence = evidence };
    }
}
