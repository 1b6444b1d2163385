using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Validation;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Objects;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>What the loader read: the snapshot and how much input it took.</summary>
public sealed record ManifestLoadResult(ClusterSnapshot Snapshot, int FileCount, long BytesRead);

/// <summary>
/// Loads Kubernetes manifests from files and directories into one <see cref="ClusterSnapshot"/>.
/// <list type="bullet">
/// <item>Directories are read recursively (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>; hidden entries skipped), in ordinal order.</item>
/// <item>Multi-document YAML, JSON (one value, an array, or concatenated values), <c>kind: List</c>,
/// typed lists (<c>PodList</c>, ...) and <c>kubectl get -o yaml|json</c> output.</item>
/// <item>Kinds that do not matter for network policy are counted and ignored; unknown fields are tolerated.</item>
/// <item>Malformed input throws <see cref="InputFileException"/> naming the file and line.</item>
/// </list>
/// </summary>
public static class ManifestLoader
{
    private static readonly string[] s_extensions = [".yaml", ".yml", ".json"];

    /// <summary>A cluster name from the paths: the first directory's name, or the folder of the first file.</summary>
    public static string DefaultClusterName(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            return "manifests";
        }

        var full = Path.GetFullPath(paths[0]).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var folder = Directory.Exists(full) ? full : Path.GetDirectoryName(full);
        var name = string.IsNullOrEmpty(folder) ? null : Path.GetFileName(folder);
        return string.IsNullOrEmpty(name) ? "manifests" : name;
    }

    /// <exception cref="InputFileException">A path is missing or a file is malformed, or nothing Kubernetes-shaped was found.</exception>
    public static async Task<ManifestLoadResult> LoadAsync(IReadOnlyList<string> paths, ClusterIdentity cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(cluster);
        if (paths.Count == 0)
        {
            throw new InputFileException("no manifest path given");
        }

        var builder = new SnapshotBuilder();
        var files = 0;
        long bytes = 0;
        var documents = 0;
        foreach (var file in ExpandPaths(paths))
        {
            var content = await ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
            files++;
            bytes += content.Length;
            if (IsBlank(content))
            {
                builder.AddNote($"{file}: the file is empty; skipped");
                continue;
            }

            var parsed = IsJson(file)
                ? JsonManifestParser.Parse(SkipBom(content), file)
                : YamlManifestParser.Parse(DecodeUtf8(content, file), file);
            if (parsed.Count == 0)
            {
                builder.AddNote($"{file}: no YAML documents; skipped");
            }

            foreach (var document in parsed)
            {
                documents++;
                ReadDocument(document, file, builder);
            }
        }

        if (documents == 0)
        {
            throw new InputFileException(
                $"no Kubernetes objects found in {string.Join(", ", paths)} (looked for .yaml, .yml and .json files; empty files are skipped)");
        }

        var snapshot = builder.Build(cluster, SnapshotSource.Manifests);
        RefuseInvalid(ObjectValidator.Validate(snapshot));
        return new ManifestLoadResult(snapshot, files, bytes);
    }

    /// <summary>
    /// Objects the API server would reject are refused, as <c>kubectl apply</c> would see them refused: one line per
    /// broken rule, <c>file:line: Kind ns/name: field: problem [rule]</c> (docs/semantics.md §14).
    /// </summary>
    private static void RefuseInvalid(ValidationReport validation)
    {
        if (validation.IsValid)
        {
            return;
        }

        var first = validation.Rejected[0];
        var lines = validation.Rejected.SelectMany(r => r.Violations.Select(v => $"{Where(r.Source)}{r.Describe()}: {v}")).ToList();
        var problem = $"{first.Describe()}: {first.Violations[0]} (the API server would reject this object)";
        if (lines.Count > 1)
        {
            problem += $"; {lines.Count} problems in all:{Environment.NewLine}" + string.Join(Environment.NewLine, lines);
        }

        throw first.Source is { } source
            ? new InputFileException(source.File, source.Line, null, problem)
            : new InputFileException(problem);

        static string Where(SourceLocation? source) =>
            source is null ? string.Empty : $"{source.File}:{source.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: ";
    }

    private static void ReadDocument(ManifestDocument document, string file, SnapshotBuilder builder)
    {
        var root = document.Root;
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                ReadItems(root, document, file, builder, null, null);
                break;
            case JsonValueKind.Object when IsList(root, out var itemApiVersion, out var itemKind):
                ReadItems(root.GetProperty("items"), document, file, builder, itemApiVersion, itemKind);
                break;
            case JsonValueKind.Object:
                ReadObject(root, new SourceLocation(file, document.Line), builder, null, null);
                break;
            default:
                throw new InputFileException(file, document.Line, null, $"expected a Kubernetes object (a mapping) or a list of them, found {JsonFields.Describe(root.ValueKind)}");
        }
    }

    private static void ReadItems(JsonElement items, ManifestDocument document, string file, SnapshotBuilder builder, string? apiVersion, string? kind)
    {
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var line = index < document.ChildLines.Count ? document.ChildLines[index] : document.Line;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new InputFileException(file, line, null, $"list item {index}: expected a Kubernetes object (a mapping), found {JsonFields.Describe(item.ValueKind)}");
            }

            var source = new SourceLocation(file, line);
            if (IsList(item, out var nestedApiVersion, out var nestedKind))
            {
                ReadItems(item.GetProperty("items"), document with { Line = line, ChildLines = [] }, file, builder, nestedApiVersion, nestedKind);
            }
            else
            {
                ReadObject(item, source, builder, apiVersion, kind);
            }

            index++;
        }
    }

    private static void ReadObject(JsonElement item, SourceLocation source, SnapshotBuilder builder, string? apiVersion, string? kind)
    {
        try
        {
            KubernetesObjectReader.Read(item, source, builder, apiVersion, kind);
        }
        catch (KubernetesObjectFormatException ex)
        {
            throw new InputFileException(source.File, source.Line, null, $"{Describe(item, kind)}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// <c>kind: List</c> (items carry their own kind) or a typed list such as <c>NetworkPolicyList</c> (items from the API
    /// may omit kind and apiVersion; they default to the list's).
    /// </summary>
    private static bool IsList(JsonElement root, out string? itemApiVersion, out string? itemKind)
    {
        itemApiVersion = null;
        itemKind = null;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var kind = kindElement.GetString()!;
        if (!kind.EndsWith("List", StringComparison.Ordinal))
        {
            return false;
        }

        if (kind != "List")
        {
            itemKind = kind[..^"List".Length];
            itemApiVersion = root.TryGetProperty("apiVersion", out var version) && version.ValueKind == JsonValueKind.String ? version.GetString() : null;
        }

        return true;
    }

    private static string Describe(JsonElement item, string? defaultKind)
    {
        var kind = item.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : defaultKind;
        var name = item.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return $"{kind ?? "object"} {name ?? "(unnamed)"}".Trim();
    }

    private static IEnumerable<string> ExpandPaths(IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                yield return Normalize(path);
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in EnumerateDirectory(path))
                {
                    yield return Normalize(file);
                }
            }
            else
            {
                throw new InputFileException(path, null, null, "no such file or directory");
            }
        }
    }

    private static IEnumerable<string> EnumerateDirectory(string directory)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith('.'))
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var path = Path.Combine(directory, entry.Name);
            if (entry is DirectoryInfo)
            {
                foreach (var nested in EnumerateDirectory(path))
                {
                    yield return nested;
                }
            }
            else if (s_extensions.Contains(Path.GetExtension(entry.Name), StringComparer.OrdinalIgnoreCase))
            {
                yield return path;
            }
        }
    }

    private static async Task<byte[]> ReadFileAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(file, null, null, $"cannot read the file: {ex.Message}", ex);
        }
    }

    private static string DecodeUtf8(byte[] content, string file)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(SkipBom(content).Span);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InputFileException(file, null, null, "the file is not valid UTF-8 text", ex);
        }
    }

    private static ReadOnlyMemory<byte> SkipBom(byte[] content) =>
        content.AsSpan().StartsWith("\uFEFF"u8) ? content.AsMemory(3) : content;

    private static bool IsBlank(byte[] content) =>
        SkipBom(content).Span.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static bool IsJson(string file) => string.Equals(Path.GetExtension(file), ".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Paths in reports and SARIF use forward slashes.</summary>
    private static string Normalize(string path) => path.Replace('\\', '/');
}
