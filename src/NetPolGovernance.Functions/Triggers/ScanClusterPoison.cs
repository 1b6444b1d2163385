using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using NetPolGovernance.Service;

namespace NetPolGovernance.Functions.Triggers;

/// <summary>Publishes a cluster whose message exhausted its deliveries as Unknown, so the workbook shows no silent gap.</summary>
public sealed class ScanClusterPoison
{
    private readonly ClusterScanService _service;

    public ScanClusterPoison(ClusterScanService service) => _service = service;

    [Function(nameof(ScanClusterPoison))]
    public async Task RunAsync(
        [QueueTrigger(ScanStorageNames.ClusterScanPoisonQueue, Connection = FunctionSettings.StorageConnection)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _service.ProcessPoisonAsync(message.MessageText, cancellationToken).ConfigureAwait(false);
    }
}
