using System.Globalization;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>Gives each cluster of a scan its observed flows, or why they could not be read. Never throws for a cluster's fault.</summary>
public interface IClusterFlowSource
{
    Task<ClusterFlows> ReadAsync(ClusterTarget target, CancellationToken cancellationToken);
}

/// <summary>Flows read from files before the scan, routed to clusters by the cluster names they carry (<see cref="FlowsByCluster"/>).</summary>
public sealed class FileClusterFlowSource(FlowsByCluster flows) : IClusterFlowSource
{
    public Task<ClusterFlows> ReadAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Task.FromResult(flows.For(target.Identity.Name));
    }
}

/// <summary>
/// <c>ContainerNetworkLogs</c> of each cluster over the last <paramref name="window"/>, through a resource-centric query on
/// the cluster's Azure resource id (<see cref="ContainerNetworkLogsReader"/>). A cluster without a resource id, a refused
/// or failed query, or an answer too large is <see cref="ClusterFlows.Unavailable"/> with the reason: NPG-N13 is then
/// Unknown for its namespaces, never a pass.
/// </summary>
public sealed class ContainerNetworkLogsFlowSource(LogAnalyticsQueryClient client, TimeSpan window) : IClusterFlowSource
{
    public string Origin { get; } = string.Create(CultureInfo.InvariantCulture, $"ContainerNetworkLogs, last {window.TotalHours:0.#} h");

    /// <summary>How far back each cluster is read.</summary>
    public TimeSpan Window => window;

    public async Task<ClusterFlows> ReadAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Identity.ResourceId is not { Length: > 0 } resourceId)
        {
            return ClusterFlows.Unavailable(Origin, "the cluster has no Azure resource id to query");
        }

        var aggregator = new FlowAggregator();
        try
        {
            var rows = await ContainerNetworkLogsReader.ReadAsync(client, resourceId, isWorkspace: false, window, aggregator, cancellationToken).ConfigureAwait(false);
            var note = rows == 0
                ? "ContainerNetworkLogs returned nothing in the window: container network logs may be off (ACNS with --enable-container-network-logs and a ContainerNetworkLog filter are needed)"
                : null;
            return ClusterFlows.Read(aggregator.Result(), Origin, note);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ClusterFlows.Unavailable(Origin, ex is LogAnalyticsQueryException query && query.Status != 0
                ? string.Create(CultureInfo.InvariantCulture, $"the query API answered {query.Status}: {query.Message}")
                : ex.Message);
        }
    }
}

/// <summary>
/// A collector that attaches the cluster's flows (<see cref="IClusterFlowSource"/>) to every snapshot it reads, so the
/// analysis can judge runtime against static (NPG-N13). Clusters that could not be read get no flows.
/// </summary>
public sealed class FlowAttachingCollector(ISnapshotCollector inner, IClusterFlowSource flows) : ISnapshotCollector
{
    public async Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var outcome = await inner.CollectAsync(target, cancellationToken).ConfigureAwait(false);
        if (outcome.Snapshot is not { } snapshot || outcome.Status != Analysis.Assessment.ClusterScanStatus.Scanned)
        {
            return outcome;
        }

        var read = await flows.ReadAsync(target, cancellationToken).ConfigureAwait(false);
        return outcome with { Snapshot = snapshot with { Flows = read } };
    }
}
