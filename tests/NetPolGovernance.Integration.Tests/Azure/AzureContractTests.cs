using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>The ARM and Resource Graph contracts of docs/azure.md against the loopback ARM server and upstream example payloads.</summary>
public sealed class AzureContractTests
{
    private const string Token = "loopback-arm-token";

    [Fact]
    public void ClusterQuery_ProjectsOnlyTheFieldsTheScannerReads()
    {
        var query = AzureClusterInventory.ClusterQuery;

        Assert.DoesNotContain(", properties\n", query, StringComparison.Ordinal);
        Assert.DoesNotContain(" properties,", query, StringComparison.Ordinal);
        Assert.DoesNotContain("agentPoolProfiles\n", query, StringComparison.Ordinal);
        Assert.Contains("advancedNetworking = properties.networkProfile.advancedNetworking", query, StringComparison.Ordinal);
        Assert.EndsWith("| order by id asc", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_ProjectedRows_CarryTheSameTargetAsTheArmList()
    {
        // Arrange: the same clusters through Resource Graph (projected rows) and through the ARM fallback (full payload).
        var subscription = AzureTestFleet.Subscription(1, 0) with
        {
            Clusters =
            [
                new SimulatedCluster { Name = "mixed", NodePoolOsTypes = ["Linux", "Windows"], PrivateCluster = true, AzureRbac = false, AdvancedNetworking = AcnsJson },
                new SimulatedCluster { Name = "local", EntraEnabled = false, LocalAccountsDisabled = false, NetworkPolicy = null, NetworkDataplane = null, RunCommandDisabled = true },
            ],
        };
        await using var graph = await AzureLoopbackServer.StartAsync(new AzureFleetDescription { Subscriptions = [subscription] }, TestContext.Current.CancellationToken);
        await using var arm = await AzureLoopbackServer.StartAsync(new AzureFleetDescription { Subscriptions = [subscription], ResourceGraphRefused = true }, TestContext.Current.CancellationToken);

        // Act
        var fromGraph = (await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(graph, new AzureInventoryScope()))).OrderBy(t => t.Identity.Name, StringComparer.Ordinal).ToList();
        var fromArm = (await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(arm, new AzureInventoryScope()))).OrderBy(t => t.Identity.Name, StringComparer.Ordinal).ToList();

        // Assert
        Assert.Equal(0, graph.Calls.ClusterLists);
        Assert.Equal(2, fromGraph.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(fromArm[i].Identity with { ResourceGroup = null, AzureTenantId = null }, fromGraph[i].Identity with { ResourceGroup = null, AzureTenantId = null });
            Assert.Equal(fromArm[i].Aks, fromGraph[i].Aks);
            Assert.Equal(JsonSerializer.Serialize(fromArm[i].NetworkProfile), JsonSerializer.Serialize(fromGraph[i].NetworkProfile));
        }

        Assert.True(fromGraph[0].Aks!.RunCommandDisabled); // "local"
        Assert.Equal(["Linux", "Windows"], fromGraph[1].NetworkProfile!.NodePoolOsTypes); // "mixed"
        Assert.True(fromGraph[1].Aks!.PrivateCluster);
        Assert.False(fromGraph[1].NetworkProfile!.AdvancedNetworking!.SecurityEnabled);
    }

    [Fact]
    public async Task ResourceGraph_PayloadTooLarge_HalvesThePageAndKeepsTheSmallerSize()
    {
        // Arrange: pages over 250 rows are refused as too large; 600 clusters.
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 600)],
            ResourceGraphPayloadTooLargeAbove = 250,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);

        // Act
        var targets = await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(server, new AzureInventoryScope()));

        // Assert: 1000 → 500 → 250 refused twice, then pages of 250 (600 rows: 3 pages); no ARM fallback.
        Assert.Equal(600, targets.Count);
        Assert.Equal(2, server.Calls.PayloadTooLarge);
        Assert.Equal([250, 250, 250], server.ResourceGraphPageSizes);
        Assert.Equal(0, server.Calls.ClusterLists);
    }

    [Fact]
    public async Task ResourceGraph_PayloadTooLargeEvenAtTheFloor_FallsBackToArmWithEveryCluster()
    {
        // Arrange
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 3), AzureTestFleet.Subscription(2, 2)],
            ResourceGraphPayloadTooLargeAbove = 10,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);

        // Act
        var targets = await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(server, new AzureInventoryScope { Subscriptions = [fleet.Subscriptions[0].SubscriptionId, fleet.Subscriptions[1].SubscriptionId] }));

        // Assert: 1000, 500, 250, 125, 62, 50 (the floor) refused, then every subscription through ARM.
        Assert.Equal(6, server.Calls.PayloadTooLarge);
        Assert.Equal(5, targets.Count);
        Assert.All(targets, t => Assert.Null(t.UnreadableReason));
        Assert.Equal(2, server.Calls.ClusterLists);
    }

    [Fact]
    public async Task ManagedCluster_AdvancedNetworking_IsReadFromArm()
    {
        // Arrange
        var subscription = AzureTestFleet.Subscription(1, 0) with { Clusters = [new SimulatedCluster { Name = "acns", AdvancedNetworking = AcnsJson }] };
        await using var server = await AzureLoopbackServer.StartAsync(new AzureFleetDescription { Subscriptions = [subscription], ResourceGraphRefused = true }, TestContext.Current.CancellationToken);

        // Act
        var target = Assert.Single(await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(server, new AzureInventoryScope())));

        // Assert
        var acns = target.NetworkProfile!.AdvancedNetworking!;
        Assert.True(acns.Enabled);
        Assert.True(acns.ObservabilityEnabled);
        Assert.False(acns.SecurityEnabled);
        Assert.Equal("None", acns.AdvancedNetworkPolicies);
        Assert.False(acns.FqdnPoliciesEnforced);
    }

    [Fact]
    public async Task ManagedNamespaces_AreListedFromTheTypedClient_WithDefaultPolicyAndTags()
    {
        // Arrange: two managed namespaces, built from the upstream ManagedNamespacesList example.
        await using var server = await StartWithManagedNamespacesAsync(forbidden: false);
        var client = new ManagedClustersClient(new StaticTokenCredential(Token), server.CreateClientOptions());
        var clusterId = new SimulatedCluster { Name = "aks" }.ResourceId(Subscription);

        // Act
        var managed = await client.ListManagedNamespacesAsync(clusterId, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(["payments", "web"], managed.Select(m => m.Name));
        var payments = managed[0];
        Assert.Equal(("AllowSameNamespace", "AllowAll"), (payments.DefaultIngress, payments.DefaultEgress));
        Assert.Equal("team-pay", payments.Tags["owner"]);
        Assert.Equal("Succeeded", payments.ProvisioningState);
        Assert.Equal($"{clusterId}/managedNamespaces/payments", payments.ResourceId);
    }

    [Fact]
    public async Task Collector_ManagedNamespaces_AreAttachedToTheNamespacesAndJudgedByN12()
    {
        // Arrange: the cluster is read through runCommand; ARM says two of its namespaces are managed.
        await using var server = await StartWithManagedNamespacesAsync(forbidden: false);
        var (collector, target) = await CollectorAsync(server);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);
        var assessment = NetPolGovernance.Analysis.SnapshotAnalyzer.Analyze(outcome.Snapshot!, new AnalysisOptions { Now = DateTimeOffset.UnixEpoch, Profile = ComplianceProfile.Strict });

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(1, server.Calls.ManagedNamespaceLists);
        var payments = outcome.Snapshot!.Namespaces.Single(n => n.Name == "payments").AksManaged!;
        Assert.Equal("team-pay", payments.Tags["owner"]);
        Assert.Null(outcome.Snapshot.Namespaces.Single(n => n.Name == "default").AksManaged);
        Assert.Contains(outcome.Snapshot.Notes, n => n.Contains("in ARM but not in the cluster: web", StringComparison.Ordinal));
        var finding = assessment.Namespaces.Single(n => n.Name == "payments").Findings.Single(f => f.CheckId == "NPG-N12");
        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Contains("default-deny ingress in default-deny", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Owners_FallBackToManagedNamespaceTags_ThenClusterTags_ReadFromResourceGraphOrArm(bool resourceGraphRefused)
    {
        // Arrange: payments is a managed namespace tagged owner=team-pay; default is not managed; the cluster is
        // tagged Owner=cluster-team (Resource Graph's tags column, or the ARM resource's tags).
        await using var server = await StartWithManagedNamespacesAsync(forbidden: false, resourceGraphRefused);
        var (collector, target) = await CollectorAsync(server);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);
        var assessment = NetPolGovernance.Analysis.SnapshotAnalyzer.Analyze(outcome.Snapshot!, new AnalysisOptions { Now = DateTimeOffset.UnixEpoch });

        // Assert
        Assert.Equal("cluster-team", target.Identity.Tags["owner"]);
        Assert.Equal("cluster-team", assessment.Owner);
        var payments = assessment.Namespaces.Single(n => n.Name == "payments");
        Assert.Equal(("team-pay", "managed-namespace-tag:owner"), (payments.Owner, payments.OwnerSource));
        var defaultNamespace = assessment.Namespaces.Single(n => n.Name == "default");
        Assert.Equal(("cluster-team", "cluster-tag:owner"), (defaultNamespace.Owner, defaultNamespace.OwnerSource));
    }

    [Fact]
    public async Task Collector_ManagedNamespacesRefused_IsANoteNotAFailedRead()
    {
        // Arrange
        await using var server = await StartWithManagedNamespacesAsync(forbidden: true);
        var (collector, target) = await CollectorAsync(server);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Contains(outcome.Snapshot!.Notes, n => n.Contains("AKS managed namespaces could not be listed (HTTP 403 AuthorizationFailed", StringComparison.Ordinal));
        Assert.All(outcome.Snapshot.Namespaces, n => Assert.Null(n.AksManaged));
    }

    private const string Subscription = "00000001-1111-4111-8111-000000000001";

    private const string AcnsJson = """{"enabled":true,"observability":{"enabled":true},"security":{"enabled":false,"advancedNetworkPolicies":"None"}}""";

    private static async Task<AzureLoopbackServer> StartWithManagedNamespacesAsync(bool forbidden, bool resourceGraphRefused = false)
    {
        var logs = new RunCommandOutputBuilder()
            .Namespace("payments")
            .Pod("payments", "api-1", ("app", "api"))
            .DefaultDeny("payments")
            .Build();
        return await AzureLoopbackServer.StartAsync(
            new AzureFleetDescription
            {
                Subscriptions =
                [
                    new SimulatedSubscription
                    {
                        SubscriptionId = Subscription,
                        Clusters =
                        [
                            new SimulatedCluster
                            {
                                Name = "aks",
                                PrivateCluster = true,
                                RunCommandLogs = logs,
                                Tags = new Dictionary<string, string> { ["Owner"] = "cluster-team", ["env"] = "prod" },
                                ManagedNamespacesForbidden = forbidden,
                                ManagedNamespaces =
                                [
                                    new SimulatedManagedNamespace("payments", "AllowSameNamespace", "AllowAll") { Tags = new Dictionary<string, string> { ["owner"] = "team-pay" } },
                                    new SimulatedManagedNamespace("web", "DenyAll", "DenyAll"),
                                ],
                            },
                        ],
                    },
                ],
                ResourceGraphRefused = resourceGraphRefused,
            },
            TestContext.Current.CancellationToken);
    }

    private static async Task<(AksSnapshotCollector Collector, ClusterTarget Target)> CollectorAsync(AzureLoopbackServer server)
    {
        var credential = new StaticTokenCredential(Token);
        var target = Assert.Single(await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(server, new AzureInventoryScope(), credential)));
        var collector = new AksSnapshotCollector(
            new ManagedClustersClient(credential, server.CreateClientOptions()),
            credential,
            new UnusedReader(),
            new AksCollectorOptions { ReachabilityTimeout = TimeSpan.FromSeconds(2) },
            NullLogger<AksSnapshotCollector>.Instance);
        return (collector, target);
    }

    /// <summary>Our own seam: private clusters never reach the live reader.</summary>
    private sealed class UnusedReader : IKubernetesClusterReader
    {
        public Task<CollectionOutcome> ReadAsync(k8s.KubernetesClientConfiguration configuration, NetPolGovernance.Analysis.Model.ClusterIdentity identity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a private cluster must not be read live");
    }
}
