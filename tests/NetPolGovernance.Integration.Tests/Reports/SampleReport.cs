using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Integration.Tests.Reports;

/// <summary>
/// A small fleet for the HTML report: a scanned cluster with compliant, noncompliant, exempt and unenforced
/// namespaces, a cluster whose engine is off, and an Unknown cluster. One value carries markup to prove encoding.
/// </summary>
internal static class SampleReport
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public const string HostileOwner = "<script>alert('owner')</script>";

    public static ReportHeader Header { get; } = new(new ScanContext("scan-7f3a", Now, "1.0.0", ComplianceProfile.Baseline), "azure", Severity.High);

    public static IReadOnlyList<ClusterAssessment> Clusters { get; } =
    [
        new ClusterAssessment
        {
            Cluster = new ClusterIdentity { Name = "aks-prod-weu", SubscriptionId = "0b1f6471-1bf0-4dda-aec3-111122223333", KubernetesVersion = "1.31.2" },
            Status = ClusterScanStatus.Scanned,
            AccessPath = AccessPath.AksEntraToken,
            NetworkProfile = new ClusterNetworkProfile { NetworkPlugin = "azure", NetworkPolicy = "cilium", NetworkDataplane = "cilium" },
            PodCount = 148,
            PolicyCount = 23,
            Namespaces =
            [
                Namespace("payments", NamespaceStatus.Compliant, pods: 40, owner: "team-payments", policies: ["default-deny", "allow-dns", "allow-gateway"]),
                Namespace("checkout", NamespaceStatus.NonCompliant, pods: 31, owner: HostileOwner, findings:
                [
                    Finding("NPG-N01", "No policy applies to the namespace", Severity.High, CheckResult.Fail, "checkout", "No NetworkPolicy selects any of the 31 pods.",
                        new() { ["pods"] = ["checkout-api-7d9f", "checkout-worker-2c1a", "cart-5b8e"] }, "CIS AKS v1.0 5.3.2 / v1.7 4.4.2"),
                    Finding("NPG-N02", "No default-deny ingress", Severity.Medium, CheckResult.Fail, "checkout", "No select-all ingress policy without rules.", new(), string.Empty),
                ]),
                Namespace("legacy-batch", NamespaceStatus.Exempt, pods: 12, owner: "team-data", findings:
                [
                    Finding("NPG-N01", "No policy applies to the namespace", Severity.High, CheckResult.Exempt, "legacy-batch", "No NetworkPolicy selects any of the 12 pods.", new(), "CIS AKS v1.0 5.3.2 / v1.7 4.4.2") with
                    {
                        ExemptionOwner = "team-data", ExemptionReason = "Decommissioning in Q3 (CHG-1182)", ExemptionExpiresOn = Now.AddDays(21),
                    },
                ]),
                Namespace("kube-system", NamespaceStatus.Exempt, pods: 65, system: true, findings:
                [
                    Finding("NPG-N02", "No default-deny ingress", Severity.Medium, CheckResult.Exempt, "kube-system", "No select-all ingress policy without rules.", new(), string.Empty) with
                    {
                        ExemptionOwner = "platform", ExemptionReason = "platform-managed",
                    },
                ]),
            ],
        },
        new ClusterAssessment
        {
            Cluster = new ClusterIdentity { Name = "aks-dev-neu", KubernetesVersion = "1.30.6" },
            Status = ClusterScanStatus.Scanned,
            AccessPath = AccessPath.RunCommand,
            NetworkProfile = new ClusterNetworkProfile { NetworkPlugin = "kubenet", NetworkPolicy = "none" },
            PodCount = 22,
            PolicyCount = 3,
            ClusterFindings =
            [
                Finding("NPG-C01", "No policy engine", Severity.Critical, CheckResult.Fail, null, "networkProfile.networkPolicy is none: NetworkPolicies are not enforced.",
                    new() { ["networkPolicy"] = ["none"] }, "CIS AKS v1.0 5.3.1 / v1.7 5.4.4"),
            ],
            Namespaces =
            [
                Namespace("web", NamespaceStatus.Unenforced, pods: 22, owner: "team-web", policies: ["default-deny", "allow-ingress", "allow-dns"], findings:
                [
                    Finding("NPG-N09", "Policies exist but are not enforced", Severity.Critical, CheckResult.Fail, "web", "3 policies, but the cluster enforces none of them.",
                        new() { ["policies"] = ["default-deny", "allow-ingress", "allow-dns"] }, string.Empty),
                ]),
            ],
        },
        new ClusterAssessment
        {
            Cluster = new ClusterIdentity { Name = "aks-private-eus" },
            Status = ClusterScanStatus.Unknown,
            StatusReason = "API server is private and runCommand was denied (403): grant 'Azure Kubernetes Service Cluster User Role' or enable runCommand.",
            AccessPath = AccessPath.None,
        },
    ];

    public static ScanSummary Summary { get; } = new()
    {
        Clusters = 3,
        ClustersScanned = 2,
        ClustersUnknown = 1,
        Namespaces = 5,
        NamespacesByStatus = new Dictionary<NamespaceStatus, int>
        {
            [NamespaceStatus.Compliant] = 1,
            [NamespaceStatus.NonCompliant] = 1,
            [NamespaceStatus.Unenforced] = 1,
            [NamespaceStatus.Exempt] = 2,
        },
        FailingFindingsBySeverity = new Dictionary<Severity, int> { [Severity.Critical] = 2, [Severity.High] = 1, [Severity.Medium] = 1 },
        Result = "incomplete",
        Gate = new ScanGate(ScanGate.ProfileKind, "baseline", GateOutcome.Failed, "2 namespace(s) NonCompliant or Unenforced, 0 cluster check(s) of the profile failing"),
        ExitCode = 3,
    };

    public static async Task WriteAsync(IReportWriter writer, CancellationToken cancellationToken)
    {
        await writer.WriteHeaderAsync(Header, cancellationToken);
        foreach (var cluster in Clusters)
        {
            await writer.WriteClusterAsync(cluster, cancellationToken);
        }

        await writer.WriteSummaryAsync(Summary, cancellationToken);
    }

    private static NamespaceAssessment Namespace(
        string name,
        NamespaceStatus status,
        int pods,
        string? owner = null,
        bool system = false,
        IReadOnlyList<string>? policies = null,
        IReadOnlyList<Finding>? findings = null) => new()
        {
            Name = name,
            Status = status,
            PodCount = pods,
            Owner = owner,
            System = system,
            PolicyNames = policies ?? [],
            HasPolicy = policies is { Count: > 0 },
            DefaultDenyIngress = policies is { Count: > 0 },
            DefaultDenyEgress = policies is { Count: > 0 },
            Findings = findings ?? [],
        };

    private static Finding Finding(string id, string title, Severity severity, CheckResult result, string? ns, string message, Dictionary<string, IReadOnlyList<string>> evidence, string benchmark) => new()
    {
        CheckId = id,
        Title = title,
        Severity = severity,
        Result = result,
        Namespace = ns,
        Message = message,
        Evidence = evidence,
        Benchmark = benchmark,
        Remediation = result != CheckResult.Fail ? string.Empty
            : ns is null ? "Enable a network policy engine (Azure NPM, Calico or Cilium) on the cluster." : "Apply the baseline policy set (netpolgov remediate).",
    };
}
