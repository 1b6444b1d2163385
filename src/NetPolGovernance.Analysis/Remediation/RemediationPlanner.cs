using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// Proposes, for each namespace asked for (usually the noncompliant ones), the policy set of a profile; verifies
/// it with the reachability engine on the snapshot plus the plan; and previews the connections it would cut.
/// Pure: the YAML comes back as text.
/// </summary>
public static class RemediationPlanner
{
    public static RemediationPlan Plan(ClusterSnapshot snapshot, IEnumerable<string> namespaces, RemediationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(namespaces);
        var before = new ReachabilityEngine(snapshot);
        var proposals = new List<NamespaceRemediation>();
        var applied = snapshot;
        foreach (var ns in namespaces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var policies = PolicyTemplates.For(profile, ns, before.Index.PodsIn(ns));
            var verification = PlanVerifier.Verify(snapshot, ns, profile, policies);
            var proposal = new NamespaceRemediation
            {
                Namespace = ns,
                Profile = profile,
                Policies = policies,
                Verification = verification,
                Impact = [],
                Yaml = NetworkPolicyYaml.Write(policies, Header(ns, profile)),
            };
            proposals.Add(proposal);
            if (proposal.Verified)
            {
                applied = WithPlan(applied, ns, policies);
            }
        }

        var verified = proposals.Where(p => p.Verified).Select(p => p.Namespace).ToHashSet(StringComparer.Ordinal);
        var impact = verified.Count == 0 ? [] : ImpactPreview.Compute(before, new ReachabilityEngine(applied), verified);
        return new RemediationPlan
        {
            Profile = profile,
            Impact = impact,
            Namespaces =
            [
                .. proposals.Select(p => p with
                {
                    Impact = [.. impact.Where(c => InNamespace(c.From, p.Namespace) || InNamespace(c.To, p.Namespace))],
                }),
            ],
        };
    }

    /// <summary>The snapshot as it would be after applying the plan: the planned objects replace same-named ones.</summary>
    internal static ClusterSnapshot WithPlan(ClusterSnapshot snapshot, string ns, IReadOnlyList<NetworkPolicy> plan)
    {
        var planned = plan.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var kept = snapshot.NetworkPolicies.Where(p => !string.Equals(p.Namespace, ns, StringComparison.Ordinal) || !planned.Contains(p.Name));
        return snapshot with { NetworkPolicies = [.. kept, .. plan] };
    }

    private static string[] Header(string ns, RemediationProfile profile) =>
    [
        $"NetworkPolicies proposed by netpolgov for namespace {ns} (profile {profile.ToString().ToLowerInvariant()}).",
        "Every object is labelled app.kubernetes.io/managed-by: netpolgov. Review the impact preview before applying.",
        $"Backout: {PolicyTemplates.BackoutCommand(ns)}",
    ];

    private static bool InNamespace(string podKey, string ns) =>
        podKey.Length > ns.Length && podKey[ns.Length] == '/' && podKey.StartsWith(ns, StringComparison.Ordinal);
}
