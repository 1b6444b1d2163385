using System.Globalization;
using System.Text.Unicode;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Reads an input file (a manifest, a kubeconfig) whole, but never more than a bound: a regular file larger than the
/// bound is refused before it is read, and a stream that does not end (a pipe, a file that grows) is refused when the
/// bound is reached. Text must be UTF-8; the first invalid byte is reported with its line.
/// </summary>
internal static class BoundedFileReader
{
    private const int ChunkSize = 1024 * 1024;

    /// <exception cref="InputFileException">The file cannot be read or is larger than <paramref name="maxBytes"/>.</exception>
    public static async Task<byte[]> ReadAsync(string file, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite,
                Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
                BufferSize = 0,
            });
            await using (stream.ConfigureAwait(false))
            {
                if (stream.CanSeek && stream.Length > maxBytes)
                {
                    throw TooLarge(file, stream.Length, maxBytes);
                }

                var capacity = stream.CanSeek ? (int)stream.Length : ChunkSize;
                var buffer = new MemoryStream(capacity);
                var chunk = new byte[ChunkSize];
                while (true)
                {
                    var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    if (buffer.Length + read > maxBytes)
                    {
                        throw TooLarge(file, null, maxBytes);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputFileException(file, null, null, "no such file", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(file, null, null, $"cannot read the file: {ex.Message}", ex);
        }
    }

    /// <exception cref="InputFileException">The text is not valid UTF-8; the message has the line of the first bad byte.</exception>
    public static void RequireUtf8(ReadOnlySpan<byte> text, string file)
    {
        if (Utf8.IsValid(text))
        {
            return;
        }

        var offset = 0;
        Span<char> scratch = stackalloc char[1024];
        while (offset < text.Length)
        {
            var status = Utf8.ToUtf16(text[offset..], scratch, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status is System.Buffers.OperationStatus.InvalidData or System.Buffers.OperationStatus.NeedMoreData)
            {
                break;
            }
        }

        var line = text[..offset].Count((byte)'\n') + 1;
        throw new InputFileException(file, line, null, $"the file is not valid UTF-8 text (an invalid byte at offset {offset.ToString(CultureInfo.InvariantCulture)})");
    }

    private static InputFileException TooLarge(string file, long? length, long maxBytes) =>
        new(file, null, null, length is { } l
            ? $"the file is {l.ToString("N0", CultureInfo.InvariantCulture)} bytes, larger than the limit of {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes for one input file; nothing was read"
            : $"the file is larger than the limit of {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes for one input file (it did not end there); stopped reading");
}
