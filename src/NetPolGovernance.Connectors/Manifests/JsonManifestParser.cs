using System.Text.Json;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Reads a JSON manifest file: one object (a resource, a <c>kind: List</c>, <c>kubectl get -o json</c> output),
/// an array of objects, or several concatenated values. Comments and trailing commas are tolerated.
/// Start lines are computed from byte offsets so that SARIF and errors can point into the file.
/// </summary>
internal static class JsonManifestParser
{
    /// <summary>
    /// The documents of <paramref name="utf8"/> (valid UTF-8 without a byte order mark). Nesting is bounded by
    /// <see cref="ManifestLimits.MaxDepth"/> and every string and property name by <see cref="ManifestLimits.MaxScalarLength"/> bytes.
    /// </summary>
    /// <exception cref="InputFileException">The JSON is malformed or exceeds a limit; the message names the file, line and column.</exception>
    public static IReadOnlyList<ManifestDocument> Parse(ReadOnlyMemory<byte> utf8, string file, ManifestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var options = new JsonReaderOptions
        {
            AllowMultipleValues = true,
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = limits.MaxDepth,
        };
        var lines = new LineIndex(utf8.Span);
        var documents = new List<ManifestDocument>();
        try
        {
            CheckStrings(utf8.Span, options, limits, lines, file);
            var reader = new Utf8JsonReader(utf8.Span, options);
            while (true)
            {
                if (!reader.Read())
                {
                    break;
                }

                var start = (int)reader.TokenStartIndex;
                var childLines = ChildLines(utf8.Span[start..], lines, start, options);
                using var document = JsonDocument.ParseValue(ref reader);
                documents.Add(new ManifestDocument(document.RootElement.Clone(), lines.LineOf(start), childLines));
            }
        }
        catch (JsonException ex)
        {
            var problem = ex.Message.Contains("maximum configured depth", StringComparison.Ordinal)
                ? $"the JSON nests deeper than {limits.MaxDepth} levels of objects and arrays"
                : $"malformed JSON: {FirstSentence(ex.Message)}";
            throw new InputFileException(file, (int?)(ex.LineNumber + 1), (int?)(ex.BytePositionInLine + 1), problem, ex);
        }

        return documents;
    }

    /// <summary>One pass over the tokens before anything is built: no string or property name longer than the limit.</summary>
    private static void CheckStrings(ReadOnlySpan<byte> utf8, JsonReaderOptions options, ManifestLimits limits, LineIndex lines, string file)
    {
        var reader = new Utf8JsonReader(utf8, options);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueSpan.Length > limits.MaxScalarLength)
            {
                var start = (int)reader.TokenStartIndex;
                throw new InputFileException(
                    file, lines.LineOf(start), null,
                    $"a JSON string of {reader.ValueSpan.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes is longer than the limit of {limits.MaxScalarLength.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>Start lines of the elements of a root array, or of the root object's <c>items</c> array.</summary>
    private static List<int> ChildLines(ReadOnlySpan<byte> value, LineIndex lines, int offset, JsonReaderOptions options)
    {
        var result = new List<int>();
        var reader = new Utf8JsonReader(value, options with { AllowMultipleValues = false });
        if (!reader.Read())
        {
            return result;
        }

        if (reader.TokenType == JsonTokenType.StartArray)
        {
            CollectElements(ref reader, lines, offset, result);
        }
        else if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isItems = reader.ValueTextEquals("items"u8);
                reader.Read();
                if (isItems && reader.TokenType == JsonTokenType.StartArray)
                {
                    CollectElements(ref reader, lines, offset, result);
                    break;
                }

                reader.Skip();
            }
        }

        return result;
    }

    private static void CollectElements(ref Utf8JsonReader reader, LineIndex lines, int offset, List<int> result)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            result.Add(lines.LineOf(offset + (int)reader.TokenStartIndex));
            reader.Skip();
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Maps byte offsets to 1-based line numbers.</summary>
    private sealed class LineIndex
    {
        private readonly List<int> _lineStarts = [0];

        public LineIndex(ReadOnlySpan<byte> utf8)
        {
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        public int LineOf(int offset)
        {
            var index = _lineStarts.BinarySearch(offset);
            return (index >= 0 ? index : ~index - 1) + 1;
        }
    }
}
