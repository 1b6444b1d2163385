using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>
/// NPG-C04: Cilium (networkPolicy or dataplane) enforces on Linux only, so Windows node pools fail; so does
/// <c>networkPolicy: cilium</c> without <c>networkDataplane: cilium</c>. NotApplicable when OS types are unknown.
/// </summary>
internal sealed class WindowsEnforcementCheck : IClusterCheck
{
    public CheckDefinition Definition => CheckCatalog.C04WindowsEnforcement;

    public CheckOutcome Evaluate(ClusterContext context)
    {
        var profile = context.Profile;
        if (profile is null)
        {
            return CheckOutcome.NotApplicable("No network profile: the engine and node pools are unknown.");
        }

        var evidence = EvidenceMap.Of([.. ProfileEvidence.Of(profile, null)]);
        var ciliumPolicy = EngineState.FromArmValue(profile.NetworkPolicy) == PolicyEngine.Cilium;
        var ciliumDataplane = EngineState.Normalize(profile.NetworkDataplane) == "cilium";
        if (ciliumPolicy && !ciliumDataplane)
        {
            return CheckOutcome.Fail($"networkPolicy 'cilium' requires networkDataplane 'cilium', but the dataplane is '{profile.NetworkDataplane ?? "absent"}'.") with { Evidence = evidence };
        }

        if (!ciliumPolicy && !ciliumDataplane)
        {
            return CheckOutcome.Pass("The policy engine is not Cilium; no Linux-only limitation applies.") with { Evidence = evidence };
        }

        if (profile.NodePoolOsTypes.Count == 0)
        {
            return CheckOutcome.NotApplicable("Cilium enforces on Linux only, and the node pool OS types are unknown.") with { Evidence = evidence };
        }

        return profile.NodePoolOsTypes.Any(o => string.Equals(o, "Windows", StringComparison.OrdinalIgnoreCase))
            ? CheckOutcome.Fail("The cluster has Windows node pools, where Cilium does not enforce network policies.") with { Evidence = evidence }
            : CheckOutcome.Pass("All node pools run Linux, where Cilium enforces policies.") with { Evidence = evidence };
    }
}
