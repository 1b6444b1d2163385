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
/// claimed with a blob lease, so concurrent instances never replay the same entry together. The lease is renewed
/// (every third of its duration) from the claim until the entry is completed, for at most <see cref="MaxHold"/>, so a
/// replay slower than one lease (ingestion retries, a throttled service) keeps its entry: no other instance can claim
/// and re-send it meanwhile. A claim that is never completed stops being renewed after <see cref="MaxHold"/> (or when
/// the store is disposed), its lease expires and a later run claims the entry again.
/// A replay claims only the entries that existed when it began: an entry written during the replay (rows that failed
/// again) waits for the next run, never re-sent by the replay that wrote it.
/// </summary>
public sealed class BlobDeadLetterStore : IDeadLetterStore, IAsyncDisposable
{
    /// <summary>The container infra/ creates for dead letters.</summary>
    public const string DefaultContainerName = "netpolgov-deadletter";

    /// <summary>The default lease of a claimed entry.</summary>
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(60);

    /// <summary>The longest a claim is renewed without being completed.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(30);

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;
    private readonly TimeSpan _leaseDuration;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CancellationTokenSource> _renewals = new(StringComparer.Ordinal);
    private int _containerReady;

    /// <param name="container">The dead-letter container.</param>
    /// <param name="timeProvider">The clock of entry names and of lease renewals.</param>
    /// <param name="leaseDuration">The lease of a claim, 15 to 60 s (the blob service's bounds); default 60 s.</param>
    public BlobDeadLetterStore(BlobContainerClient container, TimeProvider? timeProvider = null, TimeSpan? leaseDuration = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _time = timeProvider ?? TimeProvider.System;
        _leaseDuration = leaseDuration ?? DefaultLeaseDuration;
        ArgumentOutOfRangeException.ThrowIfLessThan(_leaseDuration, TimeSpan.FromSeconds(15), nameof(leaseDuration));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_leaseDuration, TimeSpan.FromSeconds(60), nameof(leaseDuration));
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

        // The names first: entries written while this replay runs are not part of it.
        var names = new List<string>();
        await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var slash = item.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && item.Name.EndsWith(DeadLetterFormat.Extension, StringComparison.Ordinal))
            {
                names.Add(item.Name);
            }
        }

        foreach (var name in names)
        {
            var blob = _container.GetBlobClient(name);
            var leaseId = await TryLeaseAsync(blob, cancellationToken).ConfigureAwait(false);
            if (leaseId is null)
            {
                continue;
            }

            StartRenewing(blob, name, leaseId);
            Response<BlobDownloadResult> content;
            try
            {
                content = await blob.DownloadContentAsync(
                    new BlobDownloadOptions { Conditions = new BlobRequestConditions { LeaseId = leaseId } },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                await StopRenewingAsync(name).ConfigureAwait(false);
                continue; // completed or lost meanwhile
            }

            yield return new DeadLetterEntry(
                name,
                name[..name.IndexOf('/', StringComparison.Ordinal)],
                DeadLetterFormat.Decode(content.Value.Content.ToMemory().Span),
                leaseId);
        }
    }

    public async Task CompleteAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await _container.GetBlobClient(entry.Id).DeleteAsync(
                DeleteSnapshotsOption.IncludeSnapshots,
                new BlobRequestConditions { LeaseId = entry.ClaimToken },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await StopRenewingAsync(entry.Id).ConfigureAwait(false);
        }
    }

    /// <summary>Stops renewing every claim not completed; their leases then expire.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in _renewals.Keys.ToList())
        {
            await StopRenewingAsync(name).ConfigureAwait(false);
        }
    }

    private void StartRenewing(BlobClient blob, string name, string leaseId)
    {
        var stop = new CancellationTokenSource(MaxHold, _time);
        if (!_renewals.TryAdd(name, stop))
        {
            stop.Dispose();
            return;
        }

        var lease = blob.GetBlobLeaseClient(leaseId);
        var interval = _leaseDuration / 3;
        var token = stop.Token;
        _ = Task.Run(
            async () =>
            {
                try
                {
                    while (true)
                    {
                        await Task.Delay(interval, _time, token).ConfigureAwait(false);
                        await lease.RenewAsync(cancellationToken: token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Completed, disposed, or held for MaxHold.
                }
                catch (RequestFailedException)
                {
                    // The lease is gone (the entry was completed, or expired before a renewal got through).
                }
            },
            CancellationToken.None);
    }

    private async Task StopRenewingAsync(string name)
    {
        if (_renewals.TryRemove(name, out var stop))
        {
            await stop.CancelAsync().ConfigureAwait(false);
            stop.Dispose();
        }
    }

    private async Task<string?> TryLeaseAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var lease = await blob.GetBlobLeaseClient().AcquireAsync(_leaseDuration, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return lease.Value.LeaseId;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 404 or 412)
        {
            return null; // leased by another instance, or already completed
        }
    }
}
