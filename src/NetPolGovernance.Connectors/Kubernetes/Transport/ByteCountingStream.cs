namespace NetPolGovernance.Connectors.Kubernetes.Transport;

/// <summary>
/// A read-only pass-through stream that reports how many bytes were read through it and, given a limit, throws the
/// exception <c>overLimit</c> makes as soon as more than the limit has arrived (the reader never sees those bytes).
/// </summary>
internal sealed class ByteCountingStream : Stream
{
    private readonly Stream _inner;
    private readonly Action<int> _onRead;
    private readonly long _limit;
    private readonly Func<long, Exception>? _overLimit;
    private long _total;

    public ByteCountingStream(Stream inner, Action<int> onRead, long limit = long.MaxValue, Func<long, Exception>? overLimit = null)
    {
        _inner = inner;
        _onRead = onRead;
        _limit = limit;
        _overLimit = overLimit;
    }

    /// <summary>Bytes read through this stream.</summary>
    public long Total => _total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(_inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Counted(int read)
    {
        if (read > 0)
        {
            _total += read;
            _onRead(read);
            if (_total > _limit)
            {
                throw _overLimit?.Invoke(_limit) ?? new IOException($"more than {_limit} bytes");
            }
        }

        return read;
    }
}
