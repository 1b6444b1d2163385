using Azure.Storage.Queues;

namespace NetPolGovernance.Service;

/// <summary>
/// The per-cluster scan queue (<see cref="ScanStorageNames.ClusterScanQueue"/>). Messages are base64 text, which is
/// what the Functions queue trigger reads by default.
/// </summary>
public sealed class ScanQueue
{
    private readonly QueueClient _queue;
    private volatile bool _queueReady;

    /// <param name="queues">A client whose options use <see cref="QueueMessageEncoding.Base64"/>.</param>
    public ScanQueue(QueueServiceClient queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queue = queues.GetQueueClient(ScanStorageNames.ClusterScanQueue);
    }

    public async Task EnqueueAsync(ClusterScanMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
        await _queue.SendMessageAsync(message.ToJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that the queue can be reached, created and read with the app's identity.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await EnsureQueueAsync(cancellationToken).ConfigureAwait(false);
        await _queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureQueueAsync(CancellationToken cancellationToken)
    {
        if (_queueReady)
        {
            return;
        }

        await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _queueReady = true;
    }
}
