using System.Text;
using System.Text.Json;
using NetPolGovernance.Connectors.Kubernetes.Transport;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

/// <summary>
/// <see cref="ListBodyReader"/> reads list bodies as they arrive: whatever the chunking of the stream, each item reaches
/// the sink whole and in order, the continue token is found wherever <c>metadata</c> sits, and bad bodies throw
/// <see cref="JsonException"/>.
/// </summary>
public sealed class ListBodyReaderTests
{
    public static TheoryData<int> ChunkSizes => [1, 7, 4096, int.MaxValue];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public async Task ReadAsync_AnyChunking_DeliversEveryItemWholeAndInOrder(int chunk)
    {
        var items = Enumerable.Range(0, 60).Select(Item).ToList();
        var body = $"{{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{{\"resourceVersion\":\"42\",\"continue\":\"tok-1\"}},\"items\":[{string.Join(",", items)}]}}";
        var sink = new RecordingSink();

        var end = await ReadAsync(body, sink, chunk);

        Assert.Equal(items, sink.Items);
        Assert.Equal("tok-1", end.Continue);
        Assert.Equal(0, sink.PageCalls); // pages begin and commit in the caller, around the whole body
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(65_537)]
    [InlineData(int.MaxValue)]
    public async Task ReadAsync_ItemLargerThanTheInitialBuffer_IsDeliveredWhole(int chunk)
    {
        var large = $"{{\"metadata\":{{\"name\":\"big\",\"annotations\":{{\"blob\":\"{new string('x', 300 * 1024)}\"}}}}}}";
        var items = new[] { Item(1), large, Item(2) };
        var body = $"{{\"items\":[{string.Join(",", items)}]}}";
        var sink = new RecordingSink();

        await ReadAsync(body, sink, chunk);

        Assert.Equal(items, sink.Items);
    }

    [Theory]
    [InlineData("{\"metadata\":{\"continue\":\"next-page\",\"remainingItemCount\":3},\"items\":[{\"a\":1}]}", "next-page")]
    [InlineData("{\"items\":[{\"a\":1}],\"metadata\":{\"resourceVersion\":\"9\",\"continue\":\"next-page\"}}", "next-page")]
    [InlineData("{\"metadata\":{\"resourceVersion\":\"9\",\"continue\":\"a\\/b\\u0021\"},\"items\":[]}", "a/b!")]
    [InlineData("{\"metadata\":{\"continue\":\"\"},\"items\":[{\"a\":1}]}", null)]
    [InlineData("{\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[{\"a\":1}]}", null)]
    [InlineData("{\"metadata\":{\"continue\":null},\"items\":[]}", null)]
    [InlineData("{\"metadata\":{\"nested\":{\"continue\":\"not-this\"}},\"items\":[]}", null)]
    [InlineData("{\"metadata\":null,\"items\":[]}", null)]
    [InlineData("{\"items\":[]}", null)]
    [InlineData("{}", null)]
    public async Task ReadAsync_ContinueToken_IsFoundWhereverMetadataSits(string body, string? expected)
    {
        foreach (var chunk in new[] { 1, 5, int.MaxValue })
        {
            var end = await ReadAsync(body, new RecordingSink(), chunk);

            Assert.Equal(expected, end.Continue);
        }
    }

    [Theory]
    [InlineData("{\"kind\":\"PodList\",\"metadata\":{\"continue\":\"c\"},\"items\":null}")]
    [InlineData("{\"kind\":\"PodList\",\"metadata\":{\"continue\":\"c\"},\"items\":[]}")]
    [InlineData("{\"kind\":\"PodList\",\"items\":[ ],\"metadata\":{\"continue\":\"c\"}}")]
    public async Task ReadAsync_NullOrEmptyItems_DeliversNothingAndKeepsTheToken(string body)
    {
        var sink = new RecordingSink();

        var end = await ReadAsync(body, sink, 3);

        Assert.Empty(sink.Items);
        Assert.Equal("c", end.Continue);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public async Task ReadAsync_UnknownTopLevelProperties_AreSkipped(int chunk)
    {
        const string Body = """
            {
              "kind": "PodList", "apiVersion": "v1", "count": 12.5e3, "flag": true, "nothing": null,
              "extra": {"items": [{"not": "an item"}], "metadata": {"continue": "not-this"}},
              "list": [[1, 2], {"items": [3]}, "]}", null],
              "metadata": {"continue": "real"},
              "items": [ {"n": 1} , {"n": "}]"} ],
              "trailer": {"deep": [{"a": [{"b": {}}]}]}, "last": "x"
            }
            """;
        var sink = new RecordingSink();

        var end = await ReadAsync(Body, sink, chunk);

        Assert.Equal(["{\"n\": 1}", "{\"n\": \"}]\"}"], sink.Items);
        Assert.Equal("real", end.Continue);
    }

    [Theory]
    [InlineData("{\"items\":[{\"a\":1,}]}")]
    [InlineData("{\"items\":[{\"a\":1}}")]
    [InlineData("{\"items\":[{\"a\" 1}]}")]
    [InlineData("{\"metadata\":{\"continue\":\"c\"} \"items\":[]}")]
    [InlineData("{\"items\":[{\"a\":tru}]}")]
    public async Task ReadAsync_MalformedJson_ThrowsJsonExceptionWithAMessage(string body)
    {
        foreach (var chunk in new[] { 1, int.MaxValue })
        {
            var ex = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, new RecordingSink(), chunk));

            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }

    [Theory]
    [InlineData("{\"items\":[{\"a\":1},42]}", "the items of a list must be objects, found Number")]
    [InlineData("{\"items\":[\"pod\"]}", "the items of a list must be objects, found String")]
    [InlineData("{\"items\":[[]]}", "the items of a list must be objects, found StartArray")]
    [InlineData("{\"items\":{\"a\":1}}", "the items of a list must be a JSON array, found StartObject")]
    [InlineData("{\"items\":\"none\"}", "the items of a list must be a JSON array, found String")]
    [InlineData("[{\"a\":1}]", "a list response must be a JSON object, found StartArray")]
    [InlineData("\"PodList\"", "a list response must be a JSON object, found String")]
    public async Task ReadAsync_WrongShape_ThrowsJsonExceptionNamingIt(string body, string message)
    {
        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, new RecordingSink(), 2));

        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public async Task ReadAsync_BodyCutAfterAnItem_ThrowsAfterDeliveringTheWholeItemsOnly(int chunk)
    {
        var body = $"{{\"metadata\":{{\"continue\":\"c\"}},\"items\":[{Item(1)},{Item(2)}";
        var sink = new RecordingSink();

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, sink, chunk));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.Equal([Item(1), Item(2)], sink.Items);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public async Task ReadAsync_BodyCutInsideAnItem_ThrowsWithoutDeliveringThePartialItem(int chunk)
    {
        var second = Item(2);
        var body = $"{{\"items\":[{Item(1)},{second[..(second.Length / 2)]}";
        var sink = new RecordingSink();

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, sink, chunk));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.Equal([Item(1)], sink.Items);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    public async Task ReadAsync_EmptyBody_ThrowsJsonExceptionWithAMessage(string body)
    {
        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, new RecordingSink(), 4096));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public async Task ReadAsync_ItemOverMaxItemBytes_ThrowsJsonException()
    {
        var huge = "{\"blob\":\"" + new string('x', ListBodyReader.MaxItemBytes) + "\"}";
        var body = $"{{\"items\":[{Item(1)},{huge},{Item(2)}]}}";
        var sink = new RecordingSink();

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, sink, 1024 * 1024));

        Assert.Equal($"an item of the list is larger than {ListBodyReader.MaxItemBytes / (1024 * 1024)} MiB", ex.Message);
        Assert.Equal([Item(1)], sink.Items);
    }

    [Fact]
    public async Task ReadAsync_ItemJustUnderMaxItemBytes_IsDeliveredWhole()
    {
        var large = "{\"blob\":\"" + new string('y', ListBodyReader.MaxItemBytes - 64) + "\"}";
        var body = $"{{\"items\":[{large}]}}";
        var sink = new RecordingSink(keepLengthsOnly: true);

        await ReadAsync(body, sink, 1024 * 1024);

        Assert.Equal([large.Length], sink.Lengths);
    }

    /// <summary>An item with nested objects, arrays, escapes and structural characters inside strings, of varying size.</summary>
    private static string Item(int i) =>
        $"{{\"metadata\":{{\"name\":\"pod-{i}\",\"namespace\":\"ns-{i % 3}\",\"labels\":{{\"app\":\"a{i}\",\"tricky\":\"{{[\\\"]}}\"}}," +
        $"\"ownerReferences\":[{{\"kind\":\"ReplicaSet\",\"name\":\"rs-{i}\",\"controller\":true}}]}}," +
        $"\"filler\":[{string.Join(",", Enumerable.Range(0, i % 9).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]," +
        $"\"note\":\"{new string('z', i * 37 % 500)}\\u00e9\\n\"}}";

    private static async Task<ListPageEnd> ReadAsync(string body, RecordingSink sink, int chunk)
    {
        await using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk);
        return await ListBodyReader.ReadAsync(stream, sink, TestContext.Current.CancellationToken);
    }

    /// <summary>Records the items it receives (copied: the span is only valid during the call).</summary>
    private sealed class RecordingSink(bool keepLengthsOnly = false) : IListPageSink
    {
        public List<string> Items { get; } = [];

        public List<int> Lengths { get; } = [];

        public int PageCalls { get; private set; }

        public void BeginPage() => PageCalls++;

        public void OnItem(ReadOnlySpan<byte> item)
        {
            Lengths.Add(item.Length);
            if (!keepLengthsOnly)
            {
                Items.Add(Encoding.UTF8.GetString(item));
            }
        }

        public void CommitPage() => PageCalls++;

        public void Restart() => PageCalls++;
    }

    /// <summary>A read-only stream that returns at most <c>chunk</c> bytes per read, as a slow network would.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
