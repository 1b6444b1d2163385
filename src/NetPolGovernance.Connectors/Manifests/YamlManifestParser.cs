using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Reads multi-document YAML into JSON documents, keeping each document's start line. Plain scalars are typed by
/// the YAML 1.2 core schema (null, booleans, integers, floats); quoted or <c>!!str</c>-tagged scalars stay strings,
/// so <c>port: 80</c> is a number and <c>port: "http"</c> a name. Anchors, aliases and merge keys are resolved.
/// <para>
/// Bounded (<see cref="ManifestLimits"/>): the parser's events are turned into JSON as they come, one document at a
/// time, so nothing but the document being read is held; only anchored nodes are kept, as a small tree, to be
/// replayed by their aliases. Every alias is charged the size of what it stands for before it is expanded, so an
/// alias bomb stops at its first alias over <see cref="ManifestLimits.MaxAliasExpansionBytes"/>; nesting is
/// checked against <see cref="ManifestLimits.MaxDepth"/> (aliases counted as expanded) and scalars against
/// <see cref="ManifestLimits.MaxScalarLength"/>. There is no limit on the number of parse events: the file size bounds them.
/// </para>
/// </summary>
internal static partial class YamlManifestParser
{
    private const string StringTag = "tag:yaml.org,2002:str";

    private static readonly Encoding s_strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The documents of <paramref name="utf8"/> (valid UTF-8 without a byte order mark), read lazily: each one is
    /// converted when the enumeration reaches it.
    /// </summary>
    /// <exception cref="InputFileException">The YAML is malformed or exceeds a limit; the message names the file, line and column.</exception>
    public static IEnumerable<ManifestDocument> Parse(ReadOnlyMemory<byte> utf8, string file, ManifestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var converter = new Converter(utf8, file, limits);
        while (converter.Next() is { } document)
        {
            yield return document;
        }
    }

    /// <summary>The line of the last token the scanner could read, for errors without a position.</summary>
    private static int LastGoodLine(ReadOnlyMemory<byte> utf8)
    {
        var line = 1;
        using var reader = OpenText(utf8);
        var scanner = new Scanner(reader);
        try
        {
            while (scanner.MoveNext())
            {
                line = (int)scanner.Current!.End.Line;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
        {
            // Stop at the first token that cannot be read.
        }

        return line;
    }

    private static StreamReader OpenText(ReadOnlyMemory<byte> utf8) =>
        new(new ReadOnlyMemoryStream(utf8), s_strictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);

    private static void WriteScalar(Utf8JsonWriter writer, string value, bool plain)
    {
        if (!plain)
        {
            writer.WriteStringValue(value);
            return;
        }

        if (IsNullValue(value))
        {
            writer.WriteNullValue();
        }
        else if (value is "true" or "True" or "TRUE")
        {
            writer.WriteBooleanValue(true);
        }
        else if (value is "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(false);
        }
        else if (TryInteger(value, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            // Keep the written form ("1.0" stays "1.0") when it is valid JSON; otherwise the parsed value (".5" → 0.5).
            if (JsonNumberPattern().IsMatch(value))
            {
                writer.WriteRawValue(value, skipInputValidation: true);
            }
            else
            {
                writer.WriteNumberValue(real);
            }
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static bool TryInteger(string value, out long integer)
    {
        integer = 0;
        if (DecimalPattern().IsMatch(value))
        {
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer);
        }

        if (value.StartsWith("0x", StringComparison.Ordinal) && value.Length > 2)
        {
            return long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out integer);
        }

        if (OctalPattern().IsMatch(value))
        {
            try
            {
                integer = Convert.ToInt64(value[2..], 8);
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsPlain(Scalar scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
        && !(!scalar.Tag.IsEmpty && scalar.Tag.IsGlobal && string.Equals(scalar.Tag.Value, StringTag, StringComparison.Ordinal));

    private static bool IsNullValue(string? value) => value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the location is reported separately.
        var cleaned = LocationPrefix().Replace(message, string.Empty).Trim();
        return cleaned.Length == 0 ? message : cleaned;
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumberPattern();

    [GeneratedRegex(@"^0o[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^(\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*)+", RegexOptions.CultureInvariant)]
    private static partial Regex LocationPrefix();

    /// <summary>An anchored node, kept so that its aliases can replay it. <see cref="Size"/> is its JSON size, aliases expanded.</summary>
    private abstract class Node(int line, int column)
    {
        public int Line { get; } = line;

        public int Column { get; } = column;

        public long Size { get; protected init; }
    }

    private sealed class ScalarNode : Node
    {
        public ScalarNode(string value, bool plain, int line, int column)
            : base(line, column)
        {
            Value = value;
            Plain = plain;
            Size = value.Length + 2;
        }

        public string Value { get; }

        public bool Plain { get; }
    }

    private sealed class SequenceNode : Node
    {
        public SequenceNode(List<Node> items, int line, int column)
            : base(line, column)
        {
            Items = items;
            Size = 2 + items.Sum(i => i.Size + 1);
        }

        public List<Node> Items { get; }
    }

    private sealed class MappingNode : Node
    {
        public MappingNode(List<KeyValuePair<string, Node>> entries, int line, int column)
            : base(line, column)
        {
            Entries = entries;
            Size = 2 + entries.Sum(e => e.Key.Length + 4 + e.Value.Size);
        }

        public List<KeyValuePair<string, Node>> Entries { get; }
    }

    /// <summary>Walks the parser's events once, writing JSON as it goes.</summary>
    private sealed class Converter
    {
        private readonly ReadOnlyMemory<byte> _utf8;
        private readonly string _file;
        private readonly ManifestLimits _limits;
        private readonly Parser _parser;
        private readonly Dictionary<string, Node> _anchors = new(StringComparer.Ordinal);
        private long _aliasBudget;
        private int _line = 1;
        private bool _started;

        public Converter(ReadOnlyMemory<byte> utf8, string file, ManifestLimits limits)
        {
            _utf8 = utf8;
            _file = file;
            _limits = limits;
            _aliasBudget = limits.MaxAliasExpansionBytes;
            _parser = new Parser(OpenText(utf8));
        }

        private ParsingEvent Current => _parser.Current!;

        public ManifestDocument? Next()
        {
            try
            {
                return ReadDocument();
            }
            catch (YamlException ex)
            {
                var problem = ex.InnerException is YamlException inner && !string.IsNullOrEmpty(inner.Message) && ex.Message.Contains("while", StringComparison.Ordinal)
                    ? inner.Message
                    : ex.Message;
                throw new InputFileException(_file, (int)ex.Start.Line, (int)ex.Start.Column, $"malformed YAML: {Clean(problem)}", ex);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                // YamlDotNet's scanner fails this way on some malformed input (e.g. an unclosed flow sequence); find where.
                throw new InputFileException(_file, LastGoodLine(_utf8), null, "malformed YAML: the document cannot be scanned (check brackets, quotes and indentation)", ex);
            }
        }

        private ManifestDocument? ReadDocument()
        {
            if (!_started)
            {
                Advance(); // StreamStart
                Advance();
                _started = true;
            }

            while (true)
            {
                if (Current is StreamEnd)
                {
                    return null;
                }

                Advance(); // DocumentStart
                _anchors.Clear();
                var root = Current;
                var line = LineOf(root);
                if (root is Scalar { Anchor.IsEmpty: true } scalar && IsPlain(scalar) && IsNullValue(scalar.Value))
                {
                    Advance();
                    Advance(); // DocumentEnd
                    continue; // an empty document ("---" with nothing after it)
                }

                var buffer = new ArrayBufferWriter<byte>();
                var childLines = new List<int>();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = _limits.MaxDepth + 2 }))
                {
                    if (root is NodeEvent { Anchor.IsEmpty: false } or AnchorAlias)
                    {
                        var tree = BuildTree(0);
                        WriteTree(writer, tree, 0);
                        childLines.AddRange(ChildLines(tree));
                    }
                    else
                    {
                        WriteNode(writer, 0, childLines);
                    }
                }

                Advance(); // DocumentEnd
                var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = _limits.MaxDepth + 2 });
                var element = JsonElement.ParseValue(ref reader);
                return new ManifestDocument(element, line, childLines);
            }
        }

        private static IEnumerable<int> ChildLines(Node root) => root switch
        {
            SequenceNode sequence => sequence.Items.Select(i => i.Line),
            MappingNode mapping => mapping.Entries.Where(e => e.Key == "items").Select(e => e.Value).OfType<SequenceNode>().Take(1).SelectMany(s => s.Items.Select(i => i.Line)),
            _ => [],
        };

        /// <summary>Writes the node at the current event and moves past it; anchored nodes go through <see cref="BuildTree"/>.</summary>
        private void WriteNode(Utf8JsonWriter writer, int depth, List<int>? childLines)
        {
            var current = Current;
            switch (current)
            {
                case AnchorAlias alias:
                    var target = Resolve(alias);
                    Advance();
                    WriteTree(writer, target, depth);
                    return;
                case NodeEvent { Anchor.IsEmpty: false }:
                    WriteTree(writer, BuildTree(depth), depth);
                    return;
                case Scalar scalar:
                    CheckScalar(scalar);
                    Advance();
                    WriteScalarChecked(writer, scalar.Value, IsPlain(scalar), scalar);
                    return;
                case SequenceStart start:
                    Enter(depth, start);
                    Advance();
                    writer.WriteStartArray();
                    while (Current is not SequenceEnd)
                    {
                        childLines?.Add(LineOf(Current));
                        WriteNode(writer, depth + 1, null);
                    }

                    Advance();
                    writer.WriteEndArray();
                    return;
                case MappingStart start:
                    Enter(depth, start);
                    Advance();
                    writer.WriteStartObject();
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    List<MappingNode>? merges = null;
                    while (Current is not MappingEnd)
                    {
                        var keyEvent = Current;
                        var key = ReadKey(out var isMerge);
                        if (isMerge)
                        {
                            (merges ??= []).AddRange(ReadMergeSources(depth, keyEvent));
                            continue;
                        }

                        if (!keys.Add(key))
                        {
                            throw Duplicate(key, keyEvent);
                        }

                        WritePropertyNameChecked(writer, key, keyEvent);
                        var items = childLines is not null && key == "items" && Current is SequenceStart { Anchor.IsEmpty: true } ? childLines : null;
                        WriteNode(writer, depth + 1, items);
                    }

                    Advance();
                    foreach (var source in merges ?? [])
                    {
                        foreach (var (key, value) in source.Entries)
                        {
                            if (keys.Add(key))
                            {
                                writer.WritePropertyName(key);
                                WriteTree(writer, value, depth + 1);
                            }
                        }
                    }

                    writer.WriteEndObject();
                    return;
                default:
                    throw new InputFileException(_file, LineOf(current), ColumnOf(current), "malformed YAML: unexpected content");
            }
        }

        /// <summary>Reads the node at the current event into a tree (registering its anchor) and moves past it.</summary>
        private Node BuildTree(int depth)
        {
            var current = Current;
            Node node;
            switch (current)
            {
                case AnchorAlias alias:
                    node = Resolve(alias);
                    Advance();
                    return node;
                case Scalar scalar:
                    CheckScalar(scalar);
                    Advance();
                    node = new ScalarNode(scalar.Value, IsPlain(scalar), LineOf(scalar), ColumnOf(scalar));
                    break;
                case SequenceStart start:
                    Enter(depth, start);
                    Advance();
                    var items = new List<Node>();
                    while (Current is not SequenceEnd)
                    {
                        items.Add(BuildTree(depth + 1));
                    }

                    Advance();
                    node = new SequenceNode(items, LineOf(start), ColumnOf(start));
                    break;
                case MappingStart start:
                    Enter(depth, start);
                    Advance();
                    var entries = new List<KeyValuePair<string, Node>>();
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    List<MappingNode>? merges = null;
                    while (Current is not MappingEnd)
                    {
                        var keyEvent = Current;
                        var key = ReadKey(out var isMerge);
                        if (isMerge)
                        {
                            (merges ??= []).AddRange(ReadMergeSources(depth, keyEvent));
                            continue;
                        }

                        if (!keys.Add(key))
                        {
                            throw Duplicate(key, keyEvent);
                        }

                        entries.Add(new(key, BuildTree(depth + 1)));
                    }

                    Advance();
                    foreach (var source in merges ?? [])
                    {
                        entries.AddRange(source.Entries.Where(e => keys.Add(e.Key)));
                    }

                    node = new MappingNode(entries, LineOf(start), ColumnOf(start));
                    break;
                default:
                    throw new InputFileException(_file, LineOf(current), ColumnOf(current), "malformed YAML: unexpected content");
            }

            if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
            {
                _anchors[anchored.Anchor.Value] = node;
            }

            return node;
        }

        private void WriteTree(Utf8JsonWriter writer, Node node, int depth)
        {
            switch (node)
            {
                case ScalarNode scalar:
                    WriteScalar(writer, scalar.Value, scalar.Plain);
                    break;
                case SequenceNode sequence:
                    EnterTree(depth, sequence);
                    writer.WriteStartArray();
                    foreach (var item in sequence.Items)
                    {
                        WriteTree(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    break;
                case MappingNode mapping:
                    EnterTree(depth, mapping);
                    writer.WriteStartObject();
                    foreach (var (key, value) in mapping.Entries)
                    {
                        writer.WritePropertyName(key);
                        WriteTree(writer, value, depth + 1);
                    }

                    writer.WriteEndObject();
                    break;
            }
        }

        /// <summary>A mapping key (a scalar, or an alias of one) and whether it is the merge key <c>&lt;&lt;</c>.</summary>
        private string ReadKey(out bool isMerge)
        {
            var current = Current;
            isMerge = false;
            switch (current)
            {
                case Scalar scalar:
                    CheckScalar(scalar);
                    Advance();
                    if (!scalar.Anchor.IsEmpty)
                    {
                        _anchors[scalar.Anchor.Value] = new ScalarNode(scalar.Value, IsPlain(scalar), LineOf(scalar), ColumnOf(scalar));
                    }

                    isMerge = scalar.Value == "<<" && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty;
                    return scalar.Value;
                case AnchorAlias alias when Resolve(alias) is ScalarNode key:
                    Advance();
                    return key.Value;
                default:
                    throw new InputFileException(_file, LineOf(current), ColumnOf(current), "a mapping key must be a plain value, not a list or mapping");
            }
        }

        /// <summary>The mappings a merge key (<c>&lt;&lt;: *base</c> or <c>&lt;&lt;: [*a, *b]</c>) brings in, first one first.</summary>
        private List<MappingNode> ReadMergeSources(int depth, ParsingEvent keyEvent)
        {
            var value = BuildTree(depth + 1);
            return value switch
            {
                MappingNode mapping => [mapping],
                SequenceNode sequence when sequence.Items.All(i => i is MappingNode) => sequence.Items.Cast<MappingNode>().ToList(),
                _ => throw new InputFileException(_file, LineOf(keyEvent), ColumnOf(keyEvent), "malformed YAML: a merge key (<<) takes a mapping or a list of mappings"),
            };
        }

        /// <summary>The anchored node an alias names, charged to the alias budget before anything is copied.</summary>
        private Node Resolve(AnchorAlias alias)
        {
            if (!_anchors.TryGetValue(alias.Value.Value, out var node))
            {
                throw new InputFileException(_file, LineOf(alias), ColumnOf(alias), $"malformed YAML: the alias *{alias.Value.Value} names no anchor defined before it");
            }

            _aliasBudget -= node.Size;
            if (_aliasBudget < 0)
            {
                throw new InputFileException(
                    _file, LineOf(alias), ColumnOf(alias),
                    $"YAML aliases expand to more than {Count(_limits.MaxAliasExpansionBytes)} bytes (the limit on alias expansion); an alias bomb? Nothing was expanded past the limit");
            }

            return node;
        }

        private void CheckScalar(Scalar scalar)
        {
            if (scalar.Value.Length > _limits.MaxScalarLength)
            {
                throw new InputFileException(
                    _file, LineOf(scalar), ColumnOf(scalar),
                    $"a YAML scalar of {Count(scalar.Value.Length)} characters is longer than the limit of {Count(_limits.MaxScalarLength)}");
            }
        }

        private void Enter(int depth, ParsingEvent start)
        {
            if (depth + 1 > _limits.MaxDepth)
            {
                throw TooDeep(LineOf(start), ColumnOf(start));
            }
        }

        private void EnterTree(int depth, Node node)
        {
            if (depth + 1 > _limits.MaxDepth)
            {
                throw TooDeep(node.Line, node.Column);
            }
        }

        private InputFileException TooDeep(int line, int column) =>
            new(_file, line, column, $"the YAML nests deeper than {Count(_limits.MaxDepth)} levels of mappings and lists (aliases counted as expanded)");

        private InputFileException Duplicate(string key, ParsingEvent keyEvent) =>
            new(_file, LineOf(keyEvent), ColumnOf(keyEvent), $"malformed YAML: duplicate key '{Shorten(key)}' in a mapping");

        private void WriteScalarChecked(Utf8JsonWriter writer, string value, bool plain, ParsingEvent at)
        {
            try
            {
                WriteScalar(writer, value, plain);
            }
            catch (ArgumentException ex)
            {
                throw InvalidText(at, ex);
            }
        }

        private void WritePropertyNameChecked(Utf8JsonWriter writer, string key, ParsingEvent at)
        {
            try
            {
                writer.WritePropertyName(key);
            }
            catch (ArgumentException ex)
            {
                throw InvalidText(at, ex);
            }
        }

        private InputFileException InvalidText(ParsingEvent at, Exception ex) =>
            new(_file, LineOf(at), ColumnOf(at), "malformed YAML: a scalar holds text that is not valid Unicode (an escaped lone surrogate?)", ex);

        private void Advance()
        {
            if (!_parser.MoveNext())
            {
                throw new InputFileException(_file, _line, null, "malformed YAML: the document ends unexpectedly");
            }

            _line = LineOf(Current);
        }

        private static int LineOf(ParsingEvent e) => (int)Math.Min(e.Start.Line, int.MaxValue);

        private static int ColumnOf(ParsingEvent e) => (int)Math.Min(e.Start.Column, int.MaxValue);

        private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
    }

    /// <summary>A read-only stream over memory, so the parser reads the file's bytes without a copy.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => memory.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
