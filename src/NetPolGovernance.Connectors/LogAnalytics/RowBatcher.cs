using System.IO.Compression;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Packs serialized rows into JSON-array request bodies of at most <c>maxBodyBytes</c> uncompressed bytes
/// (brackets and commas included). Pure and streaming: rows are read once, in order, and a batch is yielded as
/// soon as the next row would not fit. A row larger than the limit on its own is yielded as a batch of one
/// (the service answers 413 and the row is reported failed, never dropped).
/// </summary>
public static class RowBatcher
{
    /// <summary>The Logs Ingestion limit for one call: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEnumerable<RowBatch> Batch(IEnumerable<byte[]> rows, int maxBodyBytes = MaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBodyBytes, 3);
        return BatchIterator(rows, maxBodyBytes);
    }

    private static IEnumerable<RowBatch> BatchIterator(IEnumerable<byte[]> rows, int maxBodyBytes)
    {
        var current = new List<byte[]>();
        var bodyBytes = 2L; // "[" and "]"
        foreach (var row in rows)
        {
            var added = row.Length + (current.Count == 0 ? 0 : 1);
            if (current.Count > 0 && bodyBytes + added > maxBodyBytes)
            {
                yield return new RowBatch(current, (int)bodyBytes);
                current = [];
                bodyBytes = 2;
                added = row.Length;
            }

            current.Add(row);
            bodyBytes += added;
        }

        if (current.Count > 0)
        {
            yield return new RowBatch(current, (int)Math.Min(bodyBytes, int.MaxValue));
        }
    }
}

/// <summary>One request body's worth of rows. <see cref="BodyBytes"/> is the uncompressed JSON array size.</summary>
public sealed class RowBatch
{
    public RowBatch(IReadOnlyList<byte[]> rows, int bodyBytes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Rows = rows;
        BodyBytes = bodyBytes;
    }

    public IReadOnlyList<byte[]> Rows { get; }

    public int BodyBytes { get; }

    /// <summary>Writes the JSON array <c>[row,row,...]</c>.</summary>
    public void WriteJsonArray(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.WriteByte((byte)'[');
        for (var i = 0; i < Rows.Count; i++)
        {
            if (i > 0)
            {
                destination.WriteByte((byte)',');
            }

            destination.Write(Rows[i]);
        }

        destination.WriteByte((byte)']');
    }

    /// <summary>The gzip-compressed JSON array, as sent with <c>Content-Encoding: gzip</c>.</summary>
    public byte[] ToGzipJson()
    {
        using var buffer = new MemoryStream(BodyBytes / 4 + 64);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            WriteJsonArray(gzip);
        }

        return buffer.ToArray();
    }

    /// <summary>Splits the batch in two halves (used when the service answers 413).</summary>
    public (RowBatch First, RowBatch Second) Split()
    {
        if (Rows.Count < 2)
        {
            throw new InvalidOperationException("A batch of one row cannot be split.");
        }

        var half = Rows.Count / 2;
        return (Of(Rows.Take(half).ToArray()), Of(Rows.Skip(half).ToArray()));
    }

    /// <summary>A batch of the given rows with its body size computed.</summary>
    public static RowBatch Of(IReadOnlyList<byte[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var bytes = 2L + rows.Sum(r => (long)r.Length) + Math.Max(0, rows.Count - 1);
        return new RowBatch(rows, (int)Math.Min(bytes, int.MaxValue));
    }
}
