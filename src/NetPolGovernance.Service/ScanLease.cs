using Azure;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace NetPolGovernance.Service;

/// <summary>
/// A held scan lock: a blob lease renewed in the background until disposed. If the holder dies, the lease
/// expires after its duration and the lock is free again (the lock's time-to-live).
/// </summary>
public sealed partial class ScanLease : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private readonly string _lockName;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    internal ScanLease(BlobLeaseClient lease, string lockName, TimeSpan renewEvery, ILogger logger)
    {
        _lease = lease;
        _lockName = lockName;
        _logger = logger;
        _renewal = RenewAsync(renewEvery, _stop.Token);
    }

    public string LockName => _lockName;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        try
        {
            await _lease.ReleaseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            LogReleaseFailed(ex, _lockName);
        }

        _stop.Dispose();
    }

    private async Task RenewAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _lease.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex)
                {
                    LogRenewFailed(ex, _lockName);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of lock {LockName}")]
    private partial void LogRenewFailed(Exception exception, string lockName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release lock {LockName}; it expires on its own")]
    private partial void LogReleaseFailed(Exception exception, string lockName);
}
