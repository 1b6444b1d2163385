using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary><c>clusters list</c> shows exactly the access path the scan takes: both come from <see cref="AksAccessPlan"/>.</summary>
public sealed class AccessPlanAgreementTests
{
    [Fact]
    public async Task ClustersListAccess_EqualsThePathTheCollectorTakes()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new FleetSimulationOptions
        {
            Seed = 3,
            Clusters = 4,
            NamespacesPerCluster = 3,
            PodsPerNamespace = 2,
            PrivateRate = 0,
            StoppedRate = 0,
            Overrides = new Dictionary<int, ClusterOverride> { [0] = new() { Private = true }, [2] = new() { Private = true } },
        };
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        var connection = new AzureConnection(new StaticTokenCredential(simulator.Token), simulator.Azure.CreateClientOptions());
        var reader = new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance);
        var fleet = connection.CreateFleetScan(new AzureInventoryScope(), reader, NullLoggerFactory.Instance);

        var seen = new List<(string Listed, AccessPath Taken)>();
        await foreach (var target in fleet.Inventory.ListAsync(ct))
        {
            var listed = ClustersListCommand.ClusterListing.From(target, fleet.AccessOptions).Access;
            var outcome = await fleet.Collector.CollectAsync(target, ct);
            Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
            seen.Add((listed, outcome.AccessPath));
        }

        Assert.Equal(4, seen.Count);
        Assert.Contains(seen, s => s.Taken == AccessPath.RunCommand);
        Assert.Contains(seen, s => s.Taken != AccessPath.RunCommand);
        Assert.All(seen, s => Assert.Equal(s.Listed, AksAccessPlan.Describe(RouteOf(s.Taken))));
    }

    [Theory]
    [InlineData(false, false, false, true, AksRoute.LocalAccount)]
    [InlineData(false, true, false, true, AksRoute.EntraToken)]
    [InlineData(true, true, false, true, AksRoute.RunCommand)]
    [InlineData(true, false, true, true, AksRoute.Unreachable)]
    [InlineData(true, true, false, false, AksRoute.EntraToken)]
    public void Decide_FromArmFacts(bool isPrivate, bool entra, bool runCommandDisabled, bool preferRunCommand, AksRoute expected)
    {
        var access = new AksAccess { PrivateCluster = isPrivate, EntraEnabled = entra, RunCommandDisabled = runCommandDisabled };

        Assert.Equal(expected, AksAccessPlan.Decide(access, new AksCollectorOptions { PreferRunCommandForPrivateClusters = preferRunCommand }));
    }

    private static AksRoute RouteOf(AccessPath path) => path switch
    {
        AccessPath.RunCommand => AksRoute.RunCommand,
        AccessPath.AksEntraToken => AksRoute.EntraToken,
        AccessPath.AksLocalAccount => AksRoute.LocalAccount,
        _ => AksRoute.Unreachable,
    };
}
