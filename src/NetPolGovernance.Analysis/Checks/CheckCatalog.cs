using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>
/// The checks catalog (docs/checks.md). Ids are stable. Profiles: <c>cis</c> = {C01, N01};
/// <c>baseline</c> = cis + {N02, N06, N09, N11, N13, C06}; <c>strict</c> = every check.
/// </summary>
public static class CheckCatalog
{
    public static CheckDefinition C01PolicyEngine { get; } = new(
        "NPG-C01",
        "Cluster runs a network policy engine",
        CheckLevel.Cluster,
        Severity.Critical,
        "CIS AKS v1.0 5.3.1 / v1.7 5.4.4",
        "Enable a network policy engine: `az aks update -g <rg> -n <cluster> --network-policy cilium` (Azure CNI powered by Cilium) "
        + "or `--network-policy calico`. With networkPolicy 'none' (or absent) NetworkPolicy objects are stored but never enforced.",
        ComplianceProfile.Cis);

    public static CheckDefinition C02EngineRunning { get; } = new(
        "NPG-C02",
        "The declared policy engine is running",
        CheckLevel.Cluster,
        Severity.High,
        string.Empty,
        "Check the engine DaemonSet (azure-npm, calico-node, cilium, antrea-agent, kube-router or weave-net) is present and ready on every node: "
        + "`kubectl get ds -A`. For BYO CNI (networkPlugin 'none') install an engine that enforces NetworkPolicy.",
        ComplianceProfile.Strict);

    public static CheckDefinition C03RetirementPath { get; } = new(
        "NPG-C03",
        "Policy engine or network plugin is not on a retirement path",
        CheckLevel.Cluster,
        Severity.Medium,
        string.Empty,
        "Plan the migration: Azure NPM (networkPolicy 'azure') reaches end of support on Windows nodes on 2026-09-30 and on Linux "
        + "nodes on 2028-09-30, kubenet retires on 2028-03-31. Move to Azure CNI Overlay with Cilium "
        + "(`az aks update --network-plugin-mode overlay --network-dataplane cilium --network-policy cilium`).",
        ComplianceProfile.Strict);

    public static CheckDefinition C04WindowsEnforcement { get; } = new(
        "NPG-C04",
        "Policy engine enforces on every node pool OS",
        CheckLevel.Cluster,
        Severity.High,
        string.Empty,
        "Cilium enforces on Linux nodes only: pods on Windows node pools are not protected. Run Windows workloads on a cluster "
        + "with Calico, or move them to Linux. networkPolicy 'cilium' also requires networkDataplane 'cilium'.",
        ComplianceProfile.Strict);

    public static CheckDefinition C05UnenforcedKinds { get; } = new(
        "NPG-C05",
        "Every policy object is of a kind the engine enforces",
        CheckLevel.Cluster,
        Severity.Medium,
        string.Empty,
        "Translate the listed objects into a kind the running engine enforces (NetworkPolicy is enforced by every engine), "
        + "or switch to the engine they were written for. Until then they give no protection.",
        ComplianceProfile.Strict);

    public static CheckDefinition C06RejectedObjects { get; } = new(
        "NPG-C06",
        "No cluster-scoped policy the API server would reject",
        CheckLevel.Cluster,
        Severity.High,
        string.Empty,
        "Fix the listed AdminNetworkPolicy or BaselineAdminNetworkPolicy objects so they pass the API server's validation "
        + "(the message names the field and the rule), or delete them. Until then they are not counted as protection.",
        ComplianceProfile.Baseline);

    public static CheckDefinition N01HasPolicy { get; } = new(
        "NPG-N01",
        "Namespace has network policies",
        CheckLevel.Namespace,
        Severity.High,
        "CIS AKS v1.0 5.3.2 / v1.7 4.4.2",
        "Add at least a default-deny NetworkPolicy to the namespace (podSelector: {}, policyTypes: [Ingress, Egress]) and "
        + "allow the traffic the workloads need. `netpolgov` can propose one.",
        ComplianceProfile.Cis);

    public static CheckDefinition N02DefaultDenyIngress { get; } = new(
        "NPG-N02",
        "Namespace has a default-deny ingress policy",
        CheckLevel.Namespace,
        Severity.Medium,
        string.Empty,
        "Add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress] and no ingress rules; then allow the needed ingress explicitly.",
        ComplianceProfile.Baseline);

    public static CheckDefinition N03DefaultDenyEgress { get; } = new(
        "NPG-N03",
        "Namespace has a default-deny egress policy",
        CheckLevel.Namespace,
        Severity.Low,
        string.Empty,
        "Add a NetworkPolicy with podSelector: {}, policyTypes: [Egress] and no egress rules, plus a policy allowing DNS "
        + "to kube-dns (kube-system, k8s-app: kube-dns, UDP/TCP 53).",
        ComplianceProfile.Strict);

    public static CheckDefinition N04IngressCoverage { get; } = new(
        "NPG-N04",
        "Every pod is selected by an ingress policy",
        CheckLevel.Namespace,
        Severity.Medium,
        string.Empty,
        "Select the listed pods with a policy that has Ingress in its policyTypes (a namespace default-deny ingress covers all).",
        ComplianceProfile.Strict);

    public static CheckDefinition N05EgressCoverage { get; } = new(
        "NPG-N05",
        "Every pod is selected by an egress policy",
        CheckLevel.Namespace,
        Severity.Low,
        string.Empty,
        "Select the listed pods with a policy that has Egress in its policyTypes (a namespace default-deny egress covers all).",
        ComplianceProfile.Strict);

    public static CheckDefinition N06AllowAllIngress { get; } = new(
        "NPG-N06",
        "No allow-all ingress rule",
        CheckLevel.Namespace,
        Severity.High,
        string.Empty,
        "Replace the allow-all ingress rule (no ports and no peers, namespaceSelector: {}, or ipBlock 0.0.0.0/0) with rules "
        + "naming the sources and ports that are needed. While it exists, no other policy can deny ingress to those pods.",
        ComplianceProfile.Baseline);

    public static CheckDefinition N07AllowAllEgress { get; } = new(
        "NPG-N07",
        "No allow-all egress rule",
        CheckLevel.Namespace,
        Severity.Medium,
        string.Empty,
        "Replace the allow-all egress rule with rules naming the destinations and ports that are needed (DNS, the services "
        + "the workload calls, specific external CIDRs).",
        ComplianceProfile.Strict);

    public static CheckDefinition N08DeadPolicy { get; } = new(
        "NPG-N08",
        "Every policy selects at least one pod",
        CheckLevel.Namespace,
        Severity.Low,
        string.Empty,
        "Fix the podSelector of the listed policies (label keys are exact and case-sensitive) or delete them.",
        ComplianceProfile.Strict);

    public static CheckDefinition N09Unenforced { get; } = new(
        "NPG-N09",
        "The namespace's policies are enforced",
        CheckLevel.Namespace,
        Severity.Critical,
        string.Empty,
        "The cluster's engine enforces none of this namespace's policies: enable an engine (see NPG-C01) or rewrite the "
        + "policies in a kind the running engine enforces (see NPG-C05).",
        ComplianceProfile.Baseline);

    public static CheckDefinition N10ExemptionExpired { get; } = new(
        "NPG-N10",
        "No expired exemption",
        CheckLevel.Namespace,
        Severity.Medium,
        string.Empty,
        "Fix the findings the exemption covered, or renew it with its owner's approval and a new expiry date.",
        ComplianceProfile.Strict);

    public static CheckDefinition N11RejectedObjects { get; } = new(
        "NPG-N11",
        "No object the API server would reject",
        CheckLevel.Namespace,
        Severity.High,
        string.Empty,
        "Fix the listed objects so they pass the API server's validation (the message names the field and the rule: "
        + "`kubectl apply --dry-run=server -f` shows the same), or delete them. A rejected NetworkPolicy is not counted as protection.",
        ComplianceProfile.Baseline);

    public static CheckDefinition N12ManagedNamespaceAllowAll { get; } = new(
        "NPG-N12",
        "AKS managed namespace does not default to AllowAll",
        CheckLevel.Namespace,
        Severity.Medium,
        string.Empty,
        "Set the managed namespace's default network policy to DenyAll or AllowSameNamespace: "
        + "`az aks namespace update -g <rg> --cluster-name <cluster> -n <namespace> --ingress-policy DenyAll --egress-policy AllowSameNamespace` "
        + "(or defaultNetworkPolicy in its ARM/Bicep definition), then allow the traffic the workloads need.",
        ComplianceProfile.Strict);

    public static CheckDefinition N13RuntimeContradictsStatic { get; } = new(
        "NPG-N13",
        "Traffic does not reach pods the policies isolate",
        CheckLevel.Namespace,
        Severity.Critical,
        string.Empty,
        "Flows were seen forwarded into pods whose ingress policies deny them: the engine is not enforcing what the policies say. "
        + "Check the engine runs and is ready on the node of each listed pod (`kubectl get ds -A`, `cilium status`), that the pod is not "
        + "on a Windows node the engine does not cover (see NPG-C04), and the engine's version for known faults; then scan again with fresh flows.",
        ComplianceProfile.Baseline);

    /// <summary>Every check, cluster checks first, in id order.</summary>
    public static IReadOnlyList<CheckDefinition> All { get; } =
    [
        C01PolicyEngine, C02EngineRunning, C03RetirementPath, C04WindowsEnforcement, C05UnenforcedKinds, C06RejectedObjects,
        N01HasPolicy, N02DefaultDenyIngress, N03DefaultDenyEgress, N04IngressCoverage, N05EgressCoverage,
        N06AllowAllIngress, N07AllowAllEgress, N08DeadPolicy, N09Unenforced, N10ExemptionExpired, N11RejectedObjects,
        N12ManagedNamespaceAllowAll, N13RuntimeContradictsStatic,
    ];

    /// <summary>The check with this id (case-insensitive); null when unknown.</summary>
    public static CheckDefinition? Find(string id) =>
        All.FirstOrDefault(c => string.Equals(c.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));
}
