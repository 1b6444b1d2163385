using System.Globalization;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// The dead-letter entry format shared by the stores: <c>{stream}/{utc-timestamp}-{guid}.ndjson</c>, one JSON row
/// per line (serialized rows never contain a raw newline).
/// </summary>
internal static class DeadLetterFormat
{
    public const string Extension = ".ndjson";

    public static string NewEntryName(string streamName, DateTimeOffset now)
    {
        ValidateStreamName(streamName);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        return $"{streamName}/{stamp}-{Guid.NewGuid():N}{Extension}";
    }

    public static byte[] Encode(IReadOnlyList<byte[]> rows)
    {
        using var buffer = new MemoryStream();
        foreach (var row in rows)
        {
            buffer.Write(row);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    public static IReadOnlyList<byte[]> Decode(ReadOnlySpan<byte> content)
    {
        var rows = new List<byte[]>();
        while (!content.IsEmpty)
        {
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            if (!line.Trim((byte)'\r').IsEmpty)
            {
                rows.Add(line.Trim((byte)'\r').ToArray());
            }

            content = end < 0 ? [] : content[(end + 1)..];
        }

        return rows;
    }

    public static void ValidateStreamName(string streamName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamName);
        if (streamName.AsSpan().IndexOfAny(['/', '\\', '.']) >= 0 || streamName.Length > 200)
        {
            throw new ArgumentException($"'{streamName}' is not a valid stream name for a dead-letter entry.", nameof(streamName));
        }
    }
}
