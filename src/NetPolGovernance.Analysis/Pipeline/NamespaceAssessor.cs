using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Checks;
using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Exemptions;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;
using NetPolGovernance.Analysis.Status;
using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis.Pipeline;

/// <summary>Assesses one namespace: facts (docs/semantics.md §8), any-kind coverage, checks, exemptions, status and owner.</summary>
internal sealed class NamespaceAssessor(
    SnapshotIndex index,
    CoverageSubjects subjects,
    EngineState engine,
    IReadOnlySet<PolicyKind> invisibleKinds,
    ExemptionMatcher exemptions,
    IReadOnlyList<Finding> clusterFindings,
    AnalysisOptions options,
    ValidationReport validation,
    ClusterFlows? flows,
    RuntimeProof? runtime)
{
    public NamespaceAssessment Assess(NamespaceView ns)
    {
        var pods = index.PodsIn(ns.Name);
        var selectable = SortedByName(pods.Where(p => !p.HostNetwork).ToList());
        var networkPolicies = index.NetworkPoliciesIn(ns.Name);
        var facts = NamespaceFacts.Compute(selectable, networkPolicies);
        var coverage = NamespaceCoverage.Compute(
            ns,
            [.. selectable.Select(p => new PodView(p, ns))],
            facts,
            [.. networkPolicies.Select(p => new PolicyRef(PolicyKind.NetworkPolicy, p.Name, p.Source)).DistinctBy(p => p.Name)],
            subjects.NamespacedSubjects(ns.Name),
            subjects.ClusterSubjects,
            engine);
        var nsExemptions = exemptions.ForNamespace(ns);
        var observed = runtime?.For(ns.Name, facts.AllowAllIngressPolicies.Concat(facts.AllowAllEgressPolicies));
        var context = new NamespaceContext
        {
            Namespace = ns,
            Pods = pods,
            NetworkPolicies = networkPolicies,
            Facts = facts,
            Coverage = coverage,
            Engine = engine,
            InvisibleKinds = invisibleKinds,
            Exemptions = nsExemptions,
            Rejected = validation.InNamespace(ns.Name),
            Flows = flows,
            Runtime = observed,
        };

        var findings = CheckSuite.NamespaceChecks
            .Select(check => FindingFactory.Create(
                check.Definition,
                check.Evaluate(context),
                ns.Name,
                options.Profile,
                nsExemptions.Covering(check.Definition.Id)))
            .ToList();

        var clusterView = clusterFindings.Select(f => AsSeenFrom(f, nsExemptions));
        var whole = nsExemptions.Whole;
        var status = NamespaceStatusDecider.Decide(findings.Concat(clusterView), whole is not null);

        var owner = NamespaceOwner.Resolve(ns.Info, index.Snapshot.Cluster, options.OwnerKeys)
            ?? (nsExemptions.Valid.Count > 0 && !string.IsNullOrWhiteSpace(nsExemptions.Valid[0].Exemption.Owner)
                ? new OwnerResolution(nsExemptions.Valid[0].Exemption.Owner, OwnerSources.Exemption)
                : null);
        return new NamespaceAssessment
        {
            Name = ns.Name,
            System = exemptions.IsPlatformNamespace(ns.Name) || IsDefaultPlatform(ns.Name),
            Status = status,
            Owner = owner?.Owner,
            OwnerSource = owner?.Source,
            PodCount = pods.Count,
            DerivedPods = [.. pods.Where(p => p.DerivedFrom is not null).Select(p => p.Name).Order(StringComparer.Ordinal)],
            HostNetworkPods = [.. pods.Where(p => p.HostNetwork).Select(p => p.Name).Order(StringComparer.Ordinal)],
            PolicyNames = [.. coverage.NamespacedPolicies.Select(p => p.DisplayName).Distinct(StringComparer.Ordinal)],
            PolicySetHash = PolicySetFingerprint.Of(networkPolicies, coverage.NamespacedPolicies),
            HasPolicy = facts.HasPolicy,
            // The row that calls a namespace Compliant must show what protects it: isolation and default deny count
            // the counted CRD kinds where they are modelled (docs/semantics.md §9), not NetworkPolicies alone.
            IngressIsolatedPods = coverage.IngressIsolatedPods,
            EgressIsolatedPods = coverage.EgressIsolatedPods,
            DefaultDenyIngress = facts.DefaultDenyIngress || coverage.CrdDefaultDenyIngress.Count > 0,
            DefaultDenyEgress = facts.DefaultDenyEgress || coverage.CrdDefaultDenyEgress.Count > 0,
            AllowAllIngress = facts.AllowAllIngress,
            AllowAllEgress = facts.AllowAllEgress,
            DeadPolicies = facts.DeadPolicies,
            HasAnyPolicy = coverage.HasAnyPolicy,
            IngressCoveredPods = coverage.IngressCoveredPods,
            EgressCoveredPods = coverage.EgressCoveredPods,
            Findings = findings,
            Runtime = observed,
        };
    }

    /// <summary>The pods ordered by name. A live list arrives already in that order (the API server lists by key), so it is
    /// only checked; anything else is sorted (stably, so the result never depends on the input order of equal names).</summary>
    private static List<PodInfo> SortedByName(List<PodInfo> pods)
    {
        for (var i = 1; i < pods.Count; i++)
        {
            if (string.CompareOrdinal(pods[i - 1].Name, pods[i].Name) > 0)
            {
                return [.. pods.OrderBy(p => p.Name, StringComparer.Ordinal)];
            }
        }

        return pods;
    }

    /// <summary>A cluster finding as it counts for this namespace: a namespace exemption covering the check exempts it here.</summary>
    private static Finding AsSeenFrom(Finding clusterFinding, NamespaceExemptions nsExemptions) =>
        clusterFinding.Result is CheckResult.Fail or CheckResult.Unknown && nsExemptions.Covering(clusterFinding.CheckId) is not null
            ? clusterFinding with { Result = CheckResult.Exempt }
            : clusterFinding;

    private static bool IsDefaultPlatform(string name) =>
        PlatformNamespaces.Default.Any(g => Glob.IsMatch(g, name, StringComparison.Ordinal));
}
