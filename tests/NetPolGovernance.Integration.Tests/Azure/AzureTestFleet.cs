using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>Builds the Azure clients and the inventory against a loopback ARM server.</summary>
internal static class AzureTestFleet
{
    public static SimulatedSubscription Subscription(int index, int clusters, bool forbidden = false) => new()
    {
        SubscriptionId = $"{index:D8}-1111-4111-8111-{index:D12}",
        DisplayName = $"Subscription {index}",
        ClustersForbidden = forbidden,
        Clusters = [.. Enumerable.Range(0, clusters).Select(c => new SimulatedCluster { Name = $"aks-s{index}-c{c:D3}" })],
    };

    public static AzureClusterInventory Inventory(AzureLoopbackServer server, AzureInventoryScope scope, TokenCredential? credential = null)
    {
        credential ??= new StaticTokenCredential("loopback-arm-token");
        var options = server.CreateClientOptions();
        return new AzureClusterInventory(
            new ResourceGraphClient(credential, options),
            new SubscriptionsClient(credential, options),
            new ManagedClustersClient(credential, options),
            scope,
            NullLogger<AzureClusterInventory>.Instance,
            options.Cloud);
    }

    public static async Task<List<ClusterTarget>> ListAllAsync(IClusterInventory inventory)
    {
        var targets = new List<ClusterTarget>();
        await foreach (var target in inventory.ListAsync(TestContext.Current.CancellationToken))
        {
            targets.Add(target);
        }

        return targets;
    }
}
