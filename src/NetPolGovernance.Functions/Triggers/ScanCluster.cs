using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using NetPolGovernance.Service;

namespace NetPolGovernance.Functions.Triggers;

/// <summary>Scans one cluster per queue message. A thrown exception makes the queue deliver the message again.</summary>
public sealed class ScanCluster
{
    private readonly ClusterScanService _service;

    public ScanCluster(ClusterScanService service) => _service = service;

    [Function(nameof(ScanCluster))]
    public async Task RunAsync(
        [QueueTrigger(ScanStorageNames.ClusterScanQueue, Connection = FunctionSettings.StorageConnection)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _service.ProcessAsync(message.MessageText, message.DequeueCount, cancellationToken).ConfigureAwait(false);
    }
}
