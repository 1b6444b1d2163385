using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>listClusterUserCredential → the real live collector against the loopback Kubernetes API server.</summary>
public sealed class AksLiveScanTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CollectAsync_UserCredentialThenLiveRead_ReadsTheClusterThroughItsServerAndCa(bool entra)
    {
        // Arrange: the kubeconfig from ARM points at the loopback Kubernetes cluster and carries its CA. Entra
        // clusters accept the token our credential mints for the AKS audience; local-account clusters the kubeconfig token.
        await using var kube = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);
        const string token = "aks-entra-or-local-token";
        var cluster = kube.AddCluster("aks-live", token: token)
            .Add(KubeObjects.Namespace("shop"), KubeObjects.Pod("shop", "web-1", new Dictionary<string, string> { ["app"] = "web" }), KubeObjects.DefaultDeny("shop"));
        var fleet = new AzureFleetDescription
        {
            AcceptedToken = token,
            Subscriptions =
            [
                new SimulatedSubscription
                {
                    SubscriptionId = "00000001-3333-4333-8333-000000000001",
                    Clusters =
                    [
                        new SimulatedCluster
                        {
                            Name = "aks-live",
                            EntraEnabled = entra,
                            ApiServerUrl = cluster.ServerUrl.ToString(),
                            CertificateAuthorityPem = kube.CaPem,
                            LocalAccountToken = token,
                        },
                    ],
                },
            ],
        };
        await using var arm = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var credential = new StaticTokenCredential(token);
        var target = Assert.Single(await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(arm, new AzureInventoryScope(), credential)));
        var collector = new AksSnapshotCollector(
            new ManagedClustersClient(credential, arm.CreateClientOptions()),
            credential,
            new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance),
            new AksCollectorOptions(),
            NullLogger<AksSnapshotCollector>.Instance);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.True(outcome.Status == ClusterScanStatus.Scanned, outcome.Reason);
        Assert.Equal(entra ? AccessPath.AksEntraToken : AccessPath.AksLocalAccount, outcome.AccessPath);
        Assert.Contains(outcome.Snapshot!.Namespaces, n => n.Name == "shop");
        Assert.Single(outcome.Snapshot.NetworkPolicies);
        Assert.Equal(1, arm.Calls.Credentials);
        Assert.True(cluster.Traffic.Calls > 0);
        Assert.Equal(entra, credential.RequestedScopes.Contains(AzureCloudEnvironment.AksEntraScope));
    }
}
