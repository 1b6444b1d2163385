namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Where rows that the Logs Ingestion API did not accept after retries are kept, so nothing is lost: the next run
/// claims each entry, re-sends its rows, and completes (deletes) it. Rows carry deterministic RowIds, so a replayed
/// row that had in fact arrived can be de-duplicated in KQL.
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>Where entries are kept, for messages (a folder path or a container URI).</summary>
    string Location { get; }

    /// <summary>Keeps the rows of one failed batch; returns where the entry was written.</summary>
    Task<string> WriteAsync(string streamName, IReadOnlyList<byte[]> rows, CancellationToken cancellationToken);

    /// <summary>Claims pending entries one by one (so two replaying processes never send the same entry together).</summary>
    IAsyncEnumerable<DeadLetterEntry> ClaimPendingAsync(CancellationToken cancellationToken);

    /// <summary>Removes a claimed entry after its rows were sent (or re-kept in a new entry).</summary>
    Task CompleteAsync(DeadLetterEntry entry, CancellationToken cancellationToken);
}

/// <summary>A claimed dead-letter entry: the rows of one failed batch and the stream they were bound for.</summary>
/// <param name="Id">The entry's name in the store.</param>
/// <param name="StreamName">The DCR stream the rows go to.</param>
/// <param name="Rows">The serialized rows (UTF-8 JSON objects).</param>
/// <param name="ClaimToken">Store-specific claim (a blob lease id, a renamed file path).</param>
public sealed record DeadLetterEntry(string Id, string StreamName, IReadOnlyList<byte[]> Rows, string ClaimToken);
