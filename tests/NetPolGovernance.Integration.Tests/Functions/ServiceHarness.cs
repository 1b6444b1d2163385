using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Service;
using NetPolGovernance.Testing.Storage;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>
/// The Functions app's real composition against one Azurite account, with the given inventory, collector and
/// publisher. <see cref="DeliverAsync"/> plays the Functions host's queue listener: receive, invoke, delete on
/// success; on failure make the message visible again, or after <see cref="ScanStorageNames.MaxDequeueCount"/>
/// deliveries move it to the poison queue, as the host does.
/// </summary>
internal sealed class ServiceHarness : IDisposable
{
    private ServiceHarness(IHost host, AzuriteAccount account)
    {
        Host = host;
        Account = account;
        Queues = account.CreateQueueServiceClient();
        Blobs = account.CreateBlobServiceClient();
    }

    public IHost Host { get; }

    public AzuriteAccount Account { get; }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    public QueueClient ScanQueue => Queues.GetQueueClient(ScanStorageNames.ClusterScanQueue);

    public QueueClient PoisonQueue => Queues.GetQueueClient(ScanStorageNames.ClusterScanPoisonQueue);

    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(Host.Services);

    public T Service<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>With fakes for the inventory and the publisher.</summary>
    public static ServiceHarness Create(
        AzuriteServer azurite,
        IClusterInventory inventory,
        ISnapshotCollector collector,
        IAssessmentPublisher publisher,
        Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? extraSettings = null) =>
        Create(
            azurite.NextAccount(),
            collector,
            services =>
            {
                services.AddSingleton(inventory);
                services.AddSingleton(publisher);
                configure?.Invoke(services);
            },
            extraSettings);

    /// <summary>
    /// With the composed Azure inventory, AKS collector (when <paramref name="collector"/> is null) and Log Analytics
    /// publisher; point them at loopback servers in <paramref name="configure"/>.
    /// </summary>
    public static ServiceHarness Create(
        AzuriteAccount account,
        ISnapshotCollector? collector,
        Action<IServiceCollection>? configure,
        IReadOnlyDictionary<string, string?>? extraSettings)
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.StorageQueueServiceUri)] = account.QueueServiceUri.ToString();
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.StorageBlobServiceUri)] = account.BlobServiceUri.ToString();
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[FunctionSettings.ConfigurationKey(key)] = value;
        }

        var host = FunctionsTestHost.Build(settings, services =>
        {
            services.AddSingleton<TokenCredential>(account.Credential);
            services.AddSingleton(account.CreateQueueClientOptions());
            services.AddSingleton(account.CreateBlobClientOptions());
            if (collector is not null)
            {
                services.AddSingleton(collector);
            }

            configure?.Invoke(services);
        });
        return new ServiceHarness(host, account);
    }

    /// <summary>Delivers every visible message of <paramref name="queue"/> to <paramref name="handler"/> until the queue is empty.</summary>
    public async Task<DeliveryLog> DeliverAsync(QueueClient queue, Func<QueueMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        var log = new DeliveryLog();
        if (!await queue.ExistsAsync(cancellationToken))
        {
            return log;
        }

        while (true)
        {
            QueueMessage[] batch = (await queue.ReceiveMessagesAsync(maxMessages: 16, visibilityTimeout: TimeSpan.FromSeconds(30), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return log;
            }

            foreach (var message in batch)
            {
                try
                {
                    await handler(message, cancellationToken);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    log.Succeeded++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.Failures.Add(ex);
                    if (message.DequeueCount >= ScanStorageNames.MaxDequeueCount)
                    {
                        await PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                        await PoisonQueue.SendMessageAsync(message.MessageText, cancellationToken);
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        log.Poisoned++;
                    }
                    else
                    {
                        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
                    }
                }
            }
        }
    }

    public async Task<IReadOnlyList<ClusterScanMessage>> PeekScanMessagesAsync(CancellationToken cancellationToken)
    {
        if (!await ScanQueue.ExistsAsync(cancellationToken))
        {
            return [];
        }

        var peeked = (await ScanQueue.PeekMessagesAsync(maxMessages: 32, cancellationToken)).Value;
        return [.. peeked.Select(m => ClusterScanMessage.Parse(m.MessageText))];
    }

    public void Dispose() => Host.Dispose();
}

/// <summary>What <see cref="ServiceHarness.DeliverAsync"/> saw.</summary>
internal sealed class DeliveryLog
{
    public int Succeeded { get; set; }

    public int Poisoned { get; set; }

    public List<Exception> Failures { get; } = [];
}
