using System.Buffers;
using System.Text.Json;

namespace NetPolGovernance.Connectors.Kubernetes.Transport;

/// <summary>Receives the items of a list as they are parsed, page by page.</summary>
internal interface IListPageSink
{
    /// <summary>A page starts (or starts again after a dropped connection): items received since the last commit are discarded.</summary>
    void BeginPage();

    /// <summary>One item of the page as raw JSON; the span is only valid during the call.</summary>
    void OnItem(ReadOnlySpan<byte> item);

    /// <summary>The page arrived whole: its items are kept.</summary>
    void CommitPage();

    /// <summary>The list restarts from its first page (410 Gone): everything received so far is discarded.</summary>
    void Restart();
}

/// <summary>The end of one list page: the token of the next page, if any.</summary>
internal sealed record ListPageEnd(string? Continue);

/// <summary>
/// Reads a Kubernetes list response (<c>{"kind":…,"metadata":{"continue":…},"items":[…]}</c>) from its body stream
/// and hands each item to a sink as soon as its last byte arrives. The buffer holds about one item (it grows for a
/// larger one), so a page costs its largest item in memory, never the whole page.
/// Malformed or truncated JSON throws <see cref="JsonException"/>.
/// </summary>
internal static class ListBodyReader
{
    /// <summary>The largest single item accepted (the API server's own request limit is 3 MiB per object).</summary>
    public const int MaxItemBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 64 * 1024;

    public static async Task<ListPageEnd> ReadAsync(Stream body, IListPageSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(sink);
        var state = new ReadState();
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var filled = 0;

        // After a step that could not complete anything (an item larger than what has arrived), read at least twice
        // as much before trying again, so a large item is scanned a few times, not once per network read.
        var stepAt = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    buffer = Grow(buffer, filled);
                }

                var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                var final = read == 0;
                filled += read;
                if (!final && filled < stepAt)
                {
                    continue;
                }

                var consumed = Step(buffer.AsSpan(0, filled), final, state, sink);
                stepAt = consumed == 0 ? Math.Min(filled * 2, MaxItemBytes) : 0;
                if (state.Phase == Phase.Done)
                {
                    // A list always carries "items" (the API server writes [] for none): a body without it, such as
                    // {}, is not an empty list but not a list at all, and must not read as "no objects".
                    return state.SawItems
                        ? new ListPageEnd(state.Continue)
                        : throw new JsonException("the list response has no \"items\" array (an empty body such as {} is not an empty list)");
                }

                if (final)
                {
                    throw new JsonException("the list response ended before its closing brace");
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        if (buffer.Length >= MaxItemBytes)
        {
            throw new JsonException($"an item of the list is larger than {MaxItemBytes / (1024 * 1024)} MiB");
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxItemBytes));
        buffer.AsSpan(0, filled).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>Consumes every complete unit (token, property or item) in <paramref name="data"/>; returns the bytes consumed.</summary>
    private static int Step(ReadOnlySpan<byte> data, bool final, ReadState state, IListPageSink sink)
    {
        var reader = new Utf8JsonReader(data, final, state.Reader);
        var safe = reader;
        while (state.Phase != Phase.Done && Advance(ref reader, data, state, sink))
        {
            safe = reader;
        }

        state.Reader = safe.CurrentState;
        return (int)safe.BytesConsumed;
    }

    /// <summary>Reads one complete unit, or returns false (state untouched) when its bytes have not all arrived.</summary>
    private static bool Advance(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ReadState state, IListPageSink sink)
    {
        if (!reader.Read())
        {
            return false;
        }

        switch (state.Phase)
        {
            case Phase.Start:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException($"a list response must be a JSON object, found {reader.TokenType}");
                }

                state.Phase = Phase.TopLevel;
                return true;

            case Phase.TopLevel:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    state.Phase = Phase.Done;
                    return true;
                }

                return ReadTopLevelProperty(ref reader, data, state);

            default:
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    state.Phase = Phase.TopLevel;
                    return true;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException($"the items of a list must be objects, found {reader.TokenType}");
                }

                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    return false;
                }

                var item = data[start..(int)reader.BytesConsumed];

                // The JSON reader checks structure, not the UTF-8 inside strings: a name with invalid bytes must fail
                // here, as unreadable, not later where a string is decoded.
                if (!System.Text.Unicode.Utf8.IsValid(item))
                {
                    throw new JsonException("an item of the list is not valid UTF-8");
                }

                sink.OnItem(item);
                return true;
        }
    }

    private static bool ReadTopLevelProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ReadState state)
    {
        var isItems = reader.ValueTextEquals("items"u8);
        var isMetadata = !isItems && reader.ValueTextEquals("metadata"u8);
        if (!reader.Read())
        {
            return false;
        }

        if (isItems)
        {
            state.SawItems = true;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    state.Phase = Phase.Items;
                    return true;
                case JsonTokenType.Null:
                    return true;
                default:
                    throw new JsonException($"the items of a list must be a JSON array, found {reader.TokenType}");
            }
        }

        if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
        {
            var start = (int)reader.TokenStartIndex;
            if (!reader.TrySkip())
            {
                return false;
            }

            state.Continue = ContinueOf(data[start..(int)reader.BytesConsumed]);
            return true;
        }

        return reader.TrySkip();
    }

    /// <summary>The non-empty <c>continue</c> string of a list's metadata object, or null.</summary>
    private static string? ContinueOf(ReadOnlySpan<byte> metadata)
    {
        var reader = new Utf8JsonReader(metadata);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContinue = reader.ValueTextEquals("continue"u8);
            reader.Read();
            if (isContinue && reader.TokenType == JsonTokenType.String)
            {
                return reader.GetString() is { Length: > 0 } token ? token : null;
            }

            reader.Skip();
        }

        return null;
    }

    private enum Phase
    {
        Start,
        TopLevel,
        Items,
        Done,
    }

    private sealed class ReadState
    {
        public Phase Phase { get; set; }

        public JsonReaderState Reader { get; set; }

        public string? Continue { get; set; }

        public bool SawItems { get; set; }
    }
}
