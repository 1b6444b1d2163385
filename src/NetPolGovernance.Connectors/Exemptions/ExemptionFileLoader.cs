using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Kubernetes.Objects;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Connectors.Exemptions;

/// <summary>
/// Loads exemptions from a YAML or JSON file: a list of exemptions, or a mapping with an <c>exemptions</c> list.
/// Each entry has <c>owner</c> and <c>reason</c> (required), and optionally <c>id</c>, <c>subscriptionId</c>,
/// <c>cluster</c> (name or glob), <c>namespace</c> (name or glob), <c>namespaceLabels</c> (map, ANDed),
/// <c>checks</c> (check ids; empty or omitted = all) and <c>expiresOn</c> (a date <c>2026-12-31</c>, valid through the end
/// of that day UTC, or a timestamp with offset; a timestamp without offset is UTC).
/// Unknown fields are errors: a misspelt <c>expiresOn</c> must not silently make an exemption permanent.
/// </summary>
public static class ExemptionFileLoader
{
    private static readonly HashSet<string> s_fields = new(StringComparer.Ordinal)
    {
        "id", "subscriptionId", "cluster", "namespace", "namespaceLabels", "checks", "owner", "reason", "expiresOn",
    };

    /// <exception cref="InputFileException">The file is missing or malformed; the message names the file and line.</exception>
    public static async Task<IReadOnlyList<Exemption>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var limits = ManifestLimits.Default;
        var content = await BoundedFileReader.ReadAsync(path, limits.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        var file = path.Replace('\\', '/');
        ReadOnlyMemory<byte> text = content.AsSpan().StartsWith("\uFEFF"u8) ? content.AsMemory(3) : content;
        BoundedFileReader.RequireUtf8(text.Span, file);
        var documents = string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase)
            ? JsonManifestParser.Parse(text, file, limits)
            : [.. YamlManifestParser.Parse(text, file, limits)];
        return FromDocuments(documents, file);
    }

    /// <summary>
    /// Parses exemptions held in a string (an app setting, a blob) with the same schema as a file; JSON when the text
    /// starts with <c>[</c> or <c>{</c>, YAML otherwise. <paramref name="source"/> names it in errors.
    /// </summary>
    /// <exception cref="InputFileException">The text is malformed; the message names the source and line.</exception>
    public static IReadOnlyList<Exemption> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        return FromDocuments(ParseDocuments(text, source), source);
    }

    internal static IReadOnlyList<ManifestDocument> ParseDocuments(string text, string source) =>
        text.TrimStart() is ['[' or '{', ..]
            ? JsonManifestParser.Parse(Encoding.UTF8.GetBytes(text), source, ManifestLimits.Default)
            : [.. YamlManifestParser.Parse(Encoding.UTF8.GetBytes(text), source, ManifestLimits.Default)];

    private static List<Exemption> FromDocuments(IReadOnlyList<ManifestDocument> documents, string file)
    {
        if (documents.Count == 0)
        {
            return [];
        }

        if (documents.Count > 1)
        {
            throw new InputFileException(file, documents[1].Line, null, "expected one document holding a list of exemptions, found several");
        }

        var document = documents[0];
        var list = document.Root.ValueKind switch
        {
            JsonValueKind.Array => document.Root,
            JsonValueKind.Object when document.Root.TryGetProperty("exemptions", out var items) && items.ValueKind == JsonValueKind.Array => items,
            JsonValueKind.Object when document.Root.TryGetProperty("exemptions", out var items) && items.ValueKind == JsonValueKind.Null => default,
            _ => throw new InputFileException(file, document.Line, null, "expected a list of exemptions, or a mapping with an 'exemptions' list"),
        };
        if (list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var childLines = document.ChildLines;
        var exemptions = new List<Exemption>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var line = index < childLines.Count ? childLines[index] : document.Line;
            try
            {
                exemptions.Add(Read(item, index));
            }
            catch (KubernetesObjectFormatException ex)
            {
                throw new InputFileException(file, line, null, $"exemption {index + 1}: {ex.Message}", ex);
            }

            index++;
        }

        return exemptions;
    }

    private static Exemption Read(JsonElement item, int index)
    {
        var fields = JsonFields.Root(item);
        foreach (var property in item.EnumerateObject())
        {
            if (!s_fields.Contains(property.Name))
            {
                throw new KubernetesObjectFormatException(property.Name, $"unknown field (expected one of {string.Join(", ", s_fields)})");
            }
        }

        var owner = fields.String("owner");
        var reason = fields.String("reason");
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new KubernetesObjectFormatException("owner", "is required (who answers for this exemption)");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new KubernetesObjectFormatException("reason", "is required (why the namespace is exempt)");
        }

        return new Exemption
        {
            Id = fields.String("id") ?? $"exemption-{(index + 1).ToString(CultureInfo.InvariantCulture)}",
            SubscriptionId = fields.String("subscriptionId"),
            Cluster = fields.String("cluster"),
            Namespace = fields.String("namespace"),
            NamespaceLabels = fields.StringMap("namespaceLabels"),
            Checks = fields.StringList("checks") ?? [],
            Owner = owner,
            Reason = reason,
            ExpiresOn = fields.String("expiresOn") is { } expires ? ParseExpiry(expires) : null,
        };
    }

    private static DateTimeOffset ParseExpiry(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp))
        {
            return timestamp;
        }

        throw new KubernetesObjectFormatException("expiresOn", $"'{text}' is not a date (2026-12-31) or a timestamp (2026-12-31T18:00:00Z)");
    }
}
