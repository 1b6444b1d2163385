using NetPolGovernance.Analysis.Checks.Cluster;
using NetPolGovernance.Analysis.Checks.Namespace;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>The check implementations, in catalog order. Stateless; shared by every analysis.</summary>
internal static class CheckSuite
{
    public static IReadOnlyList<IClusterCheck> ClusterChecks { get; } =
    [
        new PolicyEngineCheck(),
        new EngineRunningCheck(),
        new RetirementPathCheck(),
        new WindowsEnforcementCheck(),
        new UnenforcedKindsCheck(),
        new RejectedClusterObjectsCheck(),
    ];

    public static IReadOnlyList<INamespaceCheck> NamespaceChecks { get; } =
    [
        new HasPolicyCheck(),
        new DefaultDenyCheck(PolicyDirection.Ingress),
        new DefaultDenyCheck(PolicyDirection.Egress),
        new PodCoverageCheck(PolicyDirection.Ingress),
        new PodCoverageCheck(PolicyDirection.Egress),
        new AllowAllCheck(PolicyDirection.Ingress),
        new AllowAllCheck(PolicyDirection.Egress),
        new DeadPolicyCheck(),
        new UnenforcedPoliciesCheck(),
        new ExpiredExemptionCheck(),
        new RejectedObjectsCheck(),
        new ManagedNamespaceDefaultCheck(),
        new RuntimeEnforcementCheck(),
    ];
}
