using System.Buffers;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// Splits a stream into lines of at most <see cref="MaxLineBytes"/> bytes without ever holding more than one line:
/// a longer line is reported as too long and skipped up to its newline, so a hostile file cannot exhaust memory.
/// Reading stops after <paramref name="maxBytes"/> bytes (the file's size when it was opened), so a file that keeps
/// growing, or a device behind a name, cannot keep the reader going forever.
/// </summary>
internal sealed class JsonLineReader(Stream stream, int maxLineBytes, long maxBytes) : IDisposable
{
    private long _consumed;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _start;
    private int _end;
    private bool _eof;

    public int MaxLineBytes { get; } = maxLineBytes;

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// The next line without its newline (and without a trailing CR), or <see cref="LineRead.End"/>. A line longer than
    /// the cap comes back empty with <see cref="LineRead.TooLong"/> set.
    /// </summary>
    public async ValueTask<LineRead> ReadAsync(CancellationToken cancellationToken)
    {
        var skipping = false;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, newline - _start);
                _start = newline + 1;
                LineNumber++;
                if (skipping)
                {
                    return new LineRead(ReadOnlyMemory<byte>.Empty, TooLong: true, End: false);
                }

                return new LineRead(TrimCarriageReturn(line), TooLong: false, End: false);
            }

            if (_eof)
            {
                if (_start == _end && !skipping)
                {
                    return new LineRead(ReadOnlyMemory<byte>.Empty, TooLong: false, End: true);
                }

                var rest = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
                _start = _end;
                LineNumber++;
                return skipping
                    ? new LineRead(ReadOnlyMemory<byte>.Empty, TooLong: true, End: false)
                    : new LineRead(TrimCarriageReturn(rest), TooLong: false, End: false);
            }

            if (_end - _start >= MaxLineBytes)
            {
                // The line is too long: drop what is buffered and keep skipping to its newline.
                skipping = true;
                _start = 0;
                _end = 0;
            }

            Compact();
            var room = (int)Math.Min(_buffer.Length - _end, maxBytes - _consumed);
            var read = room <= 0 ? 0 : await stream.ReadAsync(_buffer.AsMemory(_end, room), cancellationToken).ConfigureAwait(false);
            _consumed += read;
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxLineBytes + 1));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    private static ReadOnlyMemory<byte> TrimCarriageReturn(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;
}

/// <summary>One line read by <see cref="JsonLineReader"/>.</summary>
internal readonly record struct LineRead(ReadOnlyMemory<byte> Line, bool TooLong, bool End);
