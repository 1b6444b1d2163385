using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Service.DeadLetters;

/// <summary>
/// Dead letters in a blob container (the Functions app's store): blobs <c>{stream}/{timestamp}-{guid}.ndjson</c>.
/// Build the <see cref="BlobContainerClient"/> with a <c>TokenCredential</c> (managed identity); no keys. An entry is
/// claimed with a blob lease, so concurrent instances never replay the same entry together; a lease that is not
/// completed expires and the entry is claimed again on a later run.
/// </summary>
public sealed class BlobDeadLetterStore : IDeadLetterStore
{
    /// <summary>The container infra/ creates for dead letters.</summary>
    public const string DefaultContainerName = "netpolgov-deadletter";

    private static readonly TimeSpan s_leaseDuration = TimeSpan.FromSeconds(60);
    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;
    private int _containerReady;

    public BlobDeadLetterStore(BlobContainerClient container, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string Location => _container.Uri.ToString();

    public async Task<string> WriteAsync(string streamName, IReadOnlyList<byte[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _containerReady, 1);
        }

        var blob = _container.GetBlobClient(DeadLetterFormat.NewEntryName(streamName, _time.GetUtcNow()));
        await blob.UploadAsync(BinaryData.FromBytes(DeadLetterFormat.Encode(rows)), overwrite: false, cancellationToken)
            .ConfigureAwait(false);
        return blob.Uri.ToString();
    }

    public async IAsyncEnumerable<DeadLetterEntry> ClaimPendingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await _container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var slash = item.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !item.Name.EndsWith(DeadLetterFormat.Extension, StringComparison.Ordinal))
            {
                continue;
            }

            var blob = _container.GetBlobClient(item.Name);
            var leaseId = await TryLeaseAsync(blob, cancellationToken).ConfigureAwait(false);
            if (leaseId is null)
            {
                continue;
            }

            var content = await blob.DownloadContentAsync(
                new BlobDownloadOptions { Conditions = new BlobRequestConditions { LeaseId = leaseId } },
                cancellationToken).ConfigureAwait(false);
            yield return new DeadLetterEntry(
                item.Name,
                item.Name[..slash],
                DeadLetterFormat.Decode(content.Value.Content.ToMemory().Span),
                leaseId);
        }
    }

    public async Task CompleteAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _container.GetBlobClient(entry.Id).DeleteAsync(
            DeleteSnapshotsOption.IncludeSnapshots,
            new BlobRequestConditions { LeaseId = entry.ClaimToken },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> TryLeaseAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var lease = await blob.GetBlobLeaseClient().AcquireAsync(s_leaseDuration, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return lease.Value.LeaseId;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 404 or 412)
        {
            return null; // leased by another instance, or already completed
        }
    }
}
