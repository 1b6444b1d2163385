using System.Buffers;
using System.IO.Pipelines;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// A response body rendered whole before it is sent (its length goes in <c>Content-Length</c>), held in pooled
/// segments: a multi-megabyte page of pods costs neither a large-object allocation nor a copy each time it doubles,
/// as a growing array would. Dispose returns the segments to the pool.
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>Below the large-object heap threshold, so a segment the pool cannot hold is a cheap gen-0 allocation.</summary>
    private const int SegmentSize = 64 * 1024;

    private readonly List<(byte[] Array, int Count)> _segments = [];
    private byte[] _current = [];
    private int _currentCount;

    public int WrittenCount { get; private set; }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _current.Length - _currentCount);
        _currentCount += count;
        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsMemory(_currentCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsSpan(_currentCount);
    }

    /// <summary>
    /// Copies the first <paramref name="length"/> bytes to <paramref name="destination"/>, flushing about every
    /// <paramref name="flushBytes"/> so the consumer can send while the rest is copied.
    /// </summary>
    public async Task CopyToAsync(PipeWriter destination, int length, int flushBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var left = Math.Min(length, WrittenCount);
        var unflushed = 0;
        foreach (var (array, count) in Segments())
        {
            if (left == 0)
            {
                break;
            }

            var part = Math.Min(count, left);
            destination.Write(array.AsSpan(0, part));
            left -= part;
            unflushed += part;
            if (unflushed >= flushBytes)
            {
                unflushed = 0;
                var flushed = await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The written bytes as one array (for tests and the rare cut-body fault).</summary>
    public byte[] ToArray()
    {
        var result = new byte[WrittenCount];
        var offset = 0;
        foreach (var (array, count) in Segments())
        {
            array.AsSpan(0, count).CopyTo(result.AsSpan(offset));
            offset += count;
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var (array, _) in _segments)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        if (_current.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_current);
        }

        _segments.Clear();
        _current = [];
        _currentCount = 0;
    }

    private IEnumerable<(byte[] Array, int Count)> Segments()
    {
        foreach (var segment in _segments)
        {
            yield return segment;
        }

        yield return (_current, _currentCount);
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> contiguous bytes after <see cref="_currentCount"/>.</summary>
    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_current.Length - _currentCount >= needed)
        {
            return;
        }

        if (_current.Length > 0)
        {
            _segments.Add((_current, _currentCount));
        }

        _current = ArrayPool<byte>.Shared.Rent(Math.Max(needed, SegmentSize));
        _currentCount = 0;
    }
}
