using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Service;

/// <summary>
/// The profile and exemptions a cluster scan judges with: from <c>NETPOLGOV_PROFILE</c>/<c>NETPOLGOV_EXEMPTIONS</c>,
/// or from the blob at <c>NETPOLGOV_EXEMPTIONS_BLOB_URL</c> read with the app's identity (cached for five minutes,
/// so an edited blob applies to the next scans without a restart).
/// </summary>
public sealed class ScanPolicySource : IDisposable
{
    private static readonly TimeSpan s_cacheFor = TimeSpan.FromMinutes(5);

    private readonly ScanServiceOptions _options;
    private readonly BlobClient? _blob;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (ScanPolicy Policy, DateTimeOffset ReadAt)? _cached;

    public ScanPolicySource(IOptions<ScanServiceOptions> options, TokenCredential credential, BlobClientOptions blobOptions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _time = time;
        _blob = _options.ExemptionsBlobUrl is { } url ? new BlobClient(url, credential, blobOptions) : null;
    }

    public async Task<ScanPolicy> GetAsync(CancellationToken cancellationToken)
    {
        if (_blob is null)
        {
            var inline = _options.InlinePolicy ?? ScanPolicyDocument.Empty;
            return new ScanPolicy(inline.Profile ?? _options.Profile, inline.Exemptions);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } cached && _time.GetUtcNow() - cached.ReadAt < s_cacheFor)
            {
                return cached.Policy;
            }

            var policy = await ReadBlobAsync(_blob, cancellationToken).ConfigureAwait(false);
            _cached = (policy, _time.GetUtcNow());
            return policy;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<ScanPolicy> ReadBlobAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            var download = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            json = download.Value.Content.ToString();
        }
        catch (RequestFailedException ex)
        {
            throw new ScanPolicyUnavailableException(
                $"{FunctionSettings.ExemptionsBlobUrl}: the blob {blob.Uri} could not be read (HTTP {ex.Status} {ex.ErrorCode}). "
                + (ex.Status is 401 or 403 ? "Grant the app's identity Storage Blob Data Reader on it." : "Check that it exists."),
                ex);
        }

        try
        {
            var document = ScanPolicyDocument.Parse(json, $"{FunctionSettings.ExemptionsBlobUrl} ({blob.Uri})");
            return new ScanPolicy(document.Profile ?? _options.Profile, document.Exemptions);
        }
        catch (FormatException ex)
        {
            throw new ScanPolicyUnavailableException(ex.Message, ex);
        }
    }
}

/// <summary>The profile and exemptions in force.</summary>
public sealed record ScanPolicy(ComplianceProfile Profile, IReadOnlyList<Exemption> Exemptions);

/// <summary>The exemptions blob is unreadable or invalid; the message says which and how to fix it.</summary>
public sealed class ScanPolicyUnavailableException : Exception
{
    public ScanPolicyUnavailableException()
    {
    }

    public ScanPolicyUnavailableException(string message)
        : base(message)
    {
    }

    public ScanPolicyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
