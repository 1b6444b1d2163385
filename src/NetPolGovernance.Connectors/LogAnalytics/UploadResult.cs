namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>The outcome of uploading rows to one stream: how many were accepted, and each batch that was not.</summary>
public sealed record UploadResult(string StreamName, int RowsSent, IReadOnlyList<FailedBatch> Failures)
{
    public int RowsFailed => Failures.Sum(f => f.Rows.Count);

    public bool Succeeded => Failures.Count == 0;
}

/// <summary>A batch the service did not accept after retries, with the rows it carried and why.</summary>
/// <param name="StreamName">The DCR stream the rows were sent to.</param>
/// <param name="Rows">The serialized rows (UTF-8 JSON objects) of the batch.</param>
/// <param name="Status">The last HTTP status, or 0 when no response came back.</param>
/// <param name="Error">The exception describing the failure.</param>
public sealed record FailedBatch(string StreamName, IReadOnlyList<byte[]> Rows, int Status, Exception Error);
