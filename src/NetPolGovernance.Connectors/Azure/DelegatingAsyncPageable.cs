using Azure;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>An <see cref="AsyncPageable{T}"/> over a "fetch the page after this continuation token" function.</summary>
internal sealed class DelegatingAsyncPageable<T> : AsyncPageable<T>
    where T : notnull
{
    private readonly Func<string?, CancellationToken, Task<Page<T>>> _fetchPage;

    public DelegatingAsyncPageable(Func<string?, CancellationToken, Task<Page<T>>> fetchPage, CancellationToken cancellationToken)
        : base(cancellationToken)
    {
        _fetchPage = fetchPage;
    }

    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        var token = continuationToken;
        do
        {
            var page = await _fetchPage(token, CancellationToken).ConfigureAwait(false);
            yield return page;
            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));
    }
}
