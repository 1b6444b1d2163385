using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Testing.LogAnalytics;

/// <summary>Builds cluster assessments with a chosen number of namespaces and findings, for publishing tests and benchmarks.</summary>
public static class SampleAssessments
{
    public static ScanContext Scan(string scanId = "scan-0001") =>
        new(scanId, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero), "1.0.0-test", ComplianceProfile.Baseline);

    /// <summary>
    /// A scanned cluster in subscription <c>00000000-0000-0000-0000-000000000001</c> with <paramref name="namespaces"/>
    /// namespaces; odd namespaces are NonCompliant with <paramref name="findingsPerFailingNamespace"/> failing findings.
    /// </summary>
    public static ClusterAssessment Cluster(string name, int namespaces, int findingsPerFailingNamespace = 2)
    {
        var subscription = "00000000-0000-0000-0000-000000000001";
        var identity = new ClusterIdentity
        {
            Name = name,
            ResourceId = $"/subscriptions/{subscription}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/{name}",
            SubscriptionId = subscription,
            ResourceGroup = "rg-aks",
            Location = "westeurope",
            AzureTenantId = "11111111-1111-1111-1111-111111111111",
            KubernetesVersion = "1.33.2",
        };

        var namespaceAssessments = Enumerable.Range(0, namespaces).Select(i => Namespace(i, findingsPerFailingNamespace)).ToArray();
        return new ClusterAssessment
        {
            Cluster = identity,
            Status = ClusterScanStatus.Scanned,
            AccessPath = AccessPath.AksEntraToken,
            Source = SnapshotSource.KubernetesApi,
            NetworkProfile = new ClusterNetworkProfile
            {
                NetworkPlugin = "azure",
                NetworkPluginMode = "overlay",
                NetworkPolicy = "cilium",
                NetworkDataplane = "cilium",
                NodePoolOsTypes = ["Linux"],
            },
            EngineEvidence = new EngineEvidence { DaemonSets = [new EngineDaemonSet("cilium", "kube-system", "cilium", 3, 3)] },
            ClusterFindings =
            [
                new Finding
                {
                    CheckId = "NPG-C03",
                    Title = "Engine or plugin on a retirement path",
                    Severity = Severity.Medium,
                    Result = CheckResult.Pass,
                    Message = "No retirement concern.",
                },
            ],
            Namespaces = namespaceAssessments,
            PodCount = namespaceAssessments.Sum(n => n.PodCount),
            PolicyCount = namespaceAssessments.Sum(n => n.PolicyNames.Count),
            Stats = new CollectionStats { ApiCalls = 5, BytesRead = 120_000, DurationMs = 850 },
        };
    }

    /// <summary>A cluster that could not be read.</summary>
    public static ClusterAssessment Unknown(string name, string reason) => new()
    {
        Cluster = new ClusterIdentity { Name = name, SubscriptionId = "00000000-0000-0000-0000-000000000001" },
        Status = ClusterScanStatus.Unknown,
        StatusReason = reason,
        ClusterFindings =
        [
            new Finding
            {
                CheckId = "NPG-N01",
                Title = "No policy applies to the namespace",
                Severity = Severity.High,
                Result = CheckResult.Unknown,
                Message = "The cluster could not be read: " + reason,
            },
        ],
    };

    private static NamespaceAssessment Namespace(int index, int findings)
    {
        var name = "team-" + index.ToString("D3", CultureInfo.InvariantCulture);
        var failing = index % 2 == 1;
        var pods = Enumerable.Range(0, 10).Select(p => $"{name}-pod-{p}").ToArray();
        return new NamespaceAssessment
        {
            Name = name,
            Owner = "owner-" + index.ToString(CultureInfo.InvariantCulture) + "@contoso.example",
            Status = failing ? NamespaceStatus.NonCompliant : NamespaceStatus.Compliant,
            PodCount = pods.Length,
            PolicyNames = failing ? [] : ["default-deny", "allow-dns"],
            HasPolicy = !failing,
            HasAnyPolicy = !failing,
            IngressIsolatedPods = failing ? [] : pods,
            EgressIsolatedPods = failing ? [] : pods,
            DefaultDenyIngress = !failing,
            DefaultDenyEgress = !failing,
            Findings = failing
                ? Enumerable.Range(0, findings).Select(f => new Finding
                {
                    CheckId = "NPG-N" + (f + 1).ToString("D2", CultureInfo.InvariantCulture),
                    Title = "Check " + (f + 1).ToString(CultureInfo.InvariantCulture),
                    Severity = Severity.High,
                    Result = CheckResult.Fail,
                    InProfile = true,
                    Namespace = name,
                    Message = $"Namespace {name} has no NetworkPolicy; all {pods.Length} pods accept any ingress and egress.",
                    Benchmark = "CIS AKS v1.0 5.3.2 / v1.7 4.4.2",
                    Evidence = new Dictionary<string, IReadOnlyList<string>> { ["unselectedPods"] = pods[..3] },
                    Remediation = $"kubectl apply -n {name} -f default-deny.yaml",
                }).ToArray()
                : [],
        };
    }
}
