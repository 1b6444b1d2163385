using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Reads multi-document YAML into JSON documents, keeping each document's start line. Plain scalars are typed by
/// the YAML 1.2 core schema (null, booleans, integers, floats); quoted or <c>!!str</c>-tagged scalars stay strings,
/// so <c>port: 80</c> is a number and <c>port: "http"</c> a name. Anchors, aliases and merge keys are resolved.
/// </summary>
internal static partial class YamlManifestParser
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <exception cref="InputFileException">The YAML is malformed; the message names the file, line and column.</exception>
    public static IReadOnlyList<ManifestDocument> Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(new MergingParser(new Parser(reader)));
        }
        catch (YamlException ex)
        {
            var problem = ex.InnerException is YamlException inner && !string.IsNullOrEmpty(inner.Message) && ex.Message.Contains("while", StringComparison.Ordinal)
                ? inner.Message
                : ex.Message;
            throw new InputFileException(file, (int)ex.Start.Line, (int)ex.Start.Column, $"malformed YAML: {Clean(problem)}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (e.g. an unclosed flow sequence); find where.
            throw new InputFileException(file, LastGoodLine(text), null, "malformed YAML: the document cannot be scanned (check brackets, quotes and indentation)", ex);
        }
        catch (KeyNotFoundException ex)
        {
            // The merging parser reports a merge key (<<: *name) whose anchor does not exist this way.
            throw new InputFileException(file, LastGoodLine(text), null, $"malformed YAML: an alias names no anchor ({ex.Message})", ex);
        }

        var documents = new List<ManifestDocument>(stream.Documents.Count);
        foreach (var document in stream.Documents)
        {
            var root = document.RootNode;
            if (root is YamlScalarNode scalar && IsNull(scalar))
            {
                continue; // an empty document ("---" with nothing after it)
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteNode(writer, root, file);
            }

            using var json = JsonDocument.Parse(buffer.WrittenMemory);
            documents.Add(new ManifestDocument(json.RootElement.Clone(), (int)root.Start.Line, ChildLines(root)));
        }

        return documents;
    }

    /// <summary>The line of the last token the scanner could read, for errors without a position.</summary>
    private static int LastGoodLine(string text)
    {
        var line = 1;
        using var reader = new StringReader(text);
        var scanner = new Scanner(reader);
        try
        {
            while (scanner.MoveNext())
            {
                line = (int)scanner.Current!.End.Line;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Stop at the first token that cannot be read.
        }

        return line;
    }

    private static List<int> ChildLines(YamlNode root)
    {
        var children = root switch
        {
            YamlSequenceNode sequence => sequence.Children,
            YamlMappingNode mapping when mapping.Children.TryGetValue(new YamlScalarNode("items"), out var items) && items is YamlSequenceNode list => list.Children,
            _ => null,
        };
        return children?.Select(child => (int)child.Start.Line).ToList() ?? [];
    }

    private static void WriteNode(Utf8JsonWriter writer, YamlNode node, string file)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode keyScalar)
                    {
                        throw new InputFileException(file, (int)key.Start.Line, (int)key.Start.Column, "a mapping key must be a plain value, not a list or mapping");
                    }

                    writer.WritePropertyName(keyScalar.Value ?? string.Empty);
                    WriteNode(writer, value, file);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var child in sequence.Children)
                {
                    WriteNode(writer, child, file);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new InputFileException(file, (int)node.Start.Line, (int)node.Start.Column, "unsupported YAML node");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
            && !(scalar.Tag.IsGlobal && string.Equals(scalar.Tag.Value, StringTag, StringComparison.Ordinal));
        if (!plain)
        {
            writer.WriteStringValue(value);
            return;
        }

        if (IsNull(scalar))
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

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the location is reported separately.
        var cleaned = LocationPrefix().Replace(message, string.Empty).Trim();
        return cleaned.Length == 0 ? message : cleaned;
    }

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
}
