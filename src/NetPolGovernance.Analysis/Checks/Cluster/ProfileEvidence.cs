using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>The network-profile and engine-evidence values cluster findings carry as evidence.</summary>
internal static class ProfileEvidence
{
    public static IEnumerable<(string Key, IEnumerable<string?> Values)> Of(ClusterNetworkProfile? profile, EngineEvidence? evidence)
    {
        if (profile is not null)
        {
            yield return ("networkPlugin", EvidenceMap.One(profile.NetworkPlugin ?? "(absent)"));
            yield return ("networkPluginMode", EvidenceMap.One(profile.NetworkPluginMode));
            yield return ("networkPolicy", EvidenceMap.One(profile.NetworkPolicy ?? "(absent)"));
            yield return ("networkDataplane", EvidenceMap.One(profile.NetworkDataplane));
            yield return ("nodePoolOsTypes", profile.NodePoolOsTypes.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal));
        }

        if (evidence is not null)
        {
            yield return ("engineDaemonSets", evidence.DaemonSets
                .Select(d => $"{d.Engine}:{d.Namespace}/{d.Name} ready {d.Ready}/{d.Desired}")
                .Order(StringComparer.Ordinal));
            yield return ("engineEvidenceUnavailable", EvidenceMap.One(evidence.Unavailable ? evidence.UnavailableReason ?? "unavailable" : null));
            yield return ("ciliumPolicyEnforcementMode", EvidenceMap.One(evidence.CiliumPolicyEnforcementMode));
        }
    }
}
