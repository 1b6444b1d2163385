using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Testing.Service;

/// <summary>Small AKS-shaped fleets for scan-service tests.</summary>
public static class SampleFleet
{
    public const string SubscriptionA = "0b1f6471-1bf0-4dda-aec3-111111111111";
    public const string SubscriptionB = "0b1f6471-1bf0-4dda-aec3-222222222222";

    /// <summary>Clusters <c>aks-00</c>… alternating between <see cref="SubscriptionA"/> and <see cref="SubscriptionB"/>, Cilium-enforced.</summary>
    public static IReadOnlyList<ClusterTarget> Targets(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Target($"aks-{i:00}", i % 2 == 0 ? SubscriptionA : SubscriptionB))];

    public static ClusterTarget Target(string name, string subscriptionId) => new()
    {
        Identity = new ClusterIdentity
        {
            Name = name,
            SubscriptionId = subscriptionId,
            ResourceGroup = "rg-fleet",
            ResourceId = $"/subscriptions/{subscriptionId}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/managedClusters/{name}",
            Location = "westeurope",
            AzureTenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47",
            KubernetesVersion = "1.33.2",
        },
        NetworkProfile = new ClusterNetworkProfile { NetworkPlugin = "azure", NetworkPluginMode = "overlay", NetworkPolicy = "cilium", NetworkDataplane = "cilium", NodePoolOsTypes = ["Linux"] },
        Aks = new AksAccess { EntraEnabled = true, Fqdn = $"{name}-dns.hcp.westeurope.azmk8s.io", PowerState = "Running", ProvisioningState = "Succeeded" },
    };

    /// <summary>Two application namespaces (one with a default-deny policy, one without) and kube-system.</summary>
    public static ClusterSnapshot Snapshot(ClusterTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ClusterSnapshot
        {
            Cluster = target.Identity,
            Source = SnapshotSource.KubernetesApi,
            Namespaces = [new NamespaceInfo { Name = "payments" }, new NamespaceInfo { Name = "web" }, new NamespaceInfo { Name = "kube-system" }],
            Pods =
            [
                new PodInfo { Namespace = "payments", Name = "api-0", Labels = new Dictionary<string, string> { ["app"] = "api" } },
                new PodInfo { Namespace = "web", Name = "front-0", Labels = new Dictionary<string, string> { ["app"] = "front" } },
                new PodInfo { Namespace = "kube-system", Name = "coredns-0", Labels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
            ],
            NetworkPolicies =
            [
                new NetworkPolicy
                {
                    Namespace = "payments",
                    Name = "default-deny",
                    PodSelector = new LabelSelector(),
                    PolicyTypes = ["Ingress", "Egress"],
                },
            ],
            NetworkProfile = target.NetworkProfile,
            EngineEvidence = new EngineEvidence { DaemonSets = [new EngineDaemonSet("cilium", "kube-system", "cilium", 3, 3)] },
        };
    }
}
