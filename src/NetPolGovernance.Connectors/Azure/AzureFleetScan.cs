using Azure.Core;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// The Azure fleet scan, composed once for every host (the CLI's <c>scan --azure</c> and <c>--simulated-fleet</c>, the
/// Functions app): the ARM clients on one credential, the Resource Graph inventory, the AKS collector (API server or
/// runCommand) and the per-cluster deadline, derived from the access options so that it always covers a runCommand
/// read (<see cref="PerClusterDeadline"/>).
/// </summary>
public sealed class AzureFleetScan
{
    /// <summary>
    /// What one cluster's access costs besides the runCommand wait and the API server probe: listing its credential,
    /// tokens, the runCommand POST and their retries under ARM throttling.
    /// </summary>
    public static readonly TimeSpan AccessOverhead = TimeSpan.FromMinutes(1);

    public AzureFleetScan(
        TokenCredential credential,
        AzureManagementClientOptions managementOptions,
        AksCollectorOptions accessOptions,
        AzureInventoryScope scope,
        IKubernetesClusterReader reader,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(managementOptions);
        ArgumentNullException.ThrowIfNull(accessOptions);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Credential = credential;
        AccessOptions = accessOptions;
        ResourceGraph = new ResourceGraphClient(credential, managementOptions);
        Subscriptions = new SubscriptionsClient(credential, managementOptions);
        ManagedClusters = new ManagedClustersClient(credential, managementOptions);
        Inventory = new AzureClusterInventory(ResourceGraph, Subscriptions, ManagedClusters, scope, loggerFactory.CreateLogger<AzureClusterInventory>(), managementOptions.Cloud);
        Collector = new AksSnapshotCollector(
            ManagedClusters,
            credential,
            reader,
            accessOptions,
            loggerFactory.CreateLogger<AksSnapshotCollector>(),
            timeProvider);
        PerClusterTimeout = PerClusterDeadline(managementOptions, accessOptions);
    }

    public TokenCredential Credential { get; }

    /// <summary>How clusters are reached; <see cref="AksAccessPlan.Decide"/> over these options is the path the collector takes.</summary>
    public AksCollectorOptions AccessOptions { get; }

    public ResourceGraphClient ResourceGraph { get; }

    public SubscriptionsClient Subscriptions { get; }

    public ManagedClustersClient ManagedClusters { get; }

    public AzureClusterInventory Inventory { get; }

    public AksSnapshotCollector Collector { get; }

    /// <summary>The deadline for one cluster, from <see cref="PerClusterDeadline"/>.</summary>
    public TimeSpan PerClusterTimeout { get; }

    /// <summary>The pipeline options of a scan over this fleet: <paramref name="maxConcurrency"/> clusters at once, each within <see cref="PerClusterTimeout"/>.</summary>
    public FleetScanOptions ScanOptions(int maxConcurrency = FleetScanOptions.DefaultMaxConcurrency) =>
        new() { MaxConcurrency = maxConcurrency, PerClusterTimeout = PerClusterTimeout };

    /// <summary>
    /// The one per-cluster deadline of an Azure scan: the longest access path (probe the API server, give up on it,
    /// then wait for runCommand) plus <see cref="AccessOverhead"/>. A live read through the API server gets the same
    /// budget, so no deadline inside the collector can cut a read the outer one would still allow.
    /// </summary>
    public static TimeSpan PerClusterDeadline(AzureManagementClientOptions managementOptions, AksCollectorOptions accessOptions)
    {
        ArgumentNullException.ThrowIfNull(managementOptions);
        ArgumentNullException.ThrowIfNull(accessOptions);
        return managementOptions.RunCommandTimeout + accessOptions.ReachabilityTimeout + AccessOverhead;
    }
}
