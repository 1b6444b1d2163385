using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace NetPolGovernance.Service;

/// <summary>
/// The scan state in one blob container (<see cref="ScanStorageNames.LedgerContainer"/>): scan records an operator
/// can read, lease-based scan locks, per-cluster completion markers (written once, with If-None-Match: *) and the
/// last error of each failing cluster.
/// </summary>
public sealed partial class ScanLedger
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly BlobContainerClient _container;
    private readonly ILogger<ScanLedger> _logger;
    private readonly TimeSpan _leaseDuration;
    private volatile bool _containerReady;

    public ScanLedger(BlobServiceClient blobs, ILogger<ScanLedger> logger)
        : this(blobs, logger, TimeSpan.FromSeconds(60))
    {
    }

    /// <summary>For tests: <paramref name="leaseDuration"/> is how long a lock survives a crashed holder (15-60 s); holders renew at a third of it.</summary>
    /// <param name="blobs">The storage account's blob service.</param>
    /// <param name="logger">Where lock contention is logged.</param>
    /// <param name="leaseDuration">The lease's duration.</param>
    internal ScanLedger(BlobServiceClient blobs, ILogger<ScanLedger> logger, TimeSpan leaseDuration)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(leaseDuration, TimeSpan.FromSeconds(15));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leaseDuration, TimeSpan.FromSeconds(60));
        _container = blobs.GetBlobContainerClient(ScanStorageNames.LedgerContainer);
        _logger = logger;
        _leaseDuration = leaseDuration;
    }

    /// <summary>Takes the named lock, or returns null when another holder has it. Dispose the lease to release it.</summary>
    public async Task<ScanLease?> TryAcquireLockAsync(string lockName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lockName);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient($"locks/{lockName}");
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The lock blob exists already (possibly leased); the lease decides.
        }

        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(_leaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            LogLockHeld(lockName);
            return null;
        }

        return new ScanLease(lease, lockName, _leaseDuration / 3, _logger);
    }

    public async Task WriteScanRecordAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var content = BinaryData.FromObjectAsJson(record, s_json);
        await _container.GetBlobClient($"scans/{record.ScanId}/scan.json").UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient("scans/latest.json").UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    public Task<ScanRecord?> ReadScanRecordAsync(string scanId, CancellationToken cancellationToken) =>
        ReadAsync<ScanRecord>($"scans/{scanId}/scan.json", cancellationToken);

    public Task<ScanRecord?> ReadLatestScanRecordAsync(CancellationToken cancellationToken) =>
        ReadAsync<ScanRecord>("scans/latest.json", cancellationToken);

    public Task<ClusterCompletion?> ReadCompletionAsync(string scanId, string clusterKey, CancellationToken cancellationToken) =>
        ReadAsync<ClusterCompletion>(CompletionPath(scanId, clusterKey), cancellationToken);

    /// <summary>Writes the completion marker once; false when it was already there (another delivery finished first).</summary>
    public async Task<bool> TryMarkCompletedAsync(string clusterKey, ClusterCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _container.GetBlobClient(CompletionPath(completion.ScanId, clusterKey)).UploadAsync(
                BinaryData.FromObjectAsJson(completion, s_json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task RecordErrorAsync(string scanId, string clusterKey, ClusterAttemptError error, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(ErrorPath(scanId, clusterKey))
            .UploadAsync(BinaryData.FromObjectAsJson(error, s_json), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    public Task<ClusterAttemptError?> ReadErrorAsync(string scanId, string clusterKey, CancellationToken cancellationToken) =>
        ReadAsync<ClusterAttemptError>(ErrorPath(scanId, clusterKey), cancellationToken);

    /// <summary>Checks that the container can be reached, created and read with the app's identity.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await _container.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string CompletionPath(string scanId, string clusterKey) => $"scans/{scanId}/clusters/{clusterKey}/done.json";

    private static string ErrorPath(string scanId, string clusterKey) => $"scans/{scanId}/clusters/{clusterKey}/last-error.json";

    private async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var download = await _container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return download.Value.Content.ToObjectFromJson<T>(s_json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }

        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _containerReady = true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lock {LockName} is held by another run")]
    private partial void LogLockHeld(string lockName);
}
