using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Validation;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Objects;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>What the loader read: the snapshot and how much input it took.</summary>
public sealed record ManifestLoadResult(ClusterSnapshot Snapshot, int FileCount, long BytesRead)
{
    /// <summary>
    /// One line per file left out because it is an unrendered Helm template (also among the snapshot's notes), for the
    /// command to show on stderr.
    /// </summary>
    public IReadOnlyList<string> SkippedTemplates { get; init; } = [];
}

/// <summary>
/// Manifests that are not a file of their own: what a renderer printed (<c>kubectl kustomize DIR</c>), read as one
/// multi-document YAML file named <paramref name="Name"/> in notes and source locations.
/// </summary>
public sealed record RenderedManifests(string Name, ReadOnlyMemory<byte> Content);

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
    /// <summary>Folders nest at most this deep under a folder named on the command line (a bound for file systems without inodes).</summary>
    private const int MaxFolderDepth = 64;

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
    public static Task<ManifestLoadResult> LoadAsync(IReadOnlyList<string> paths, ClusterIdentity cluster, CancellationToken cancellationToken) =>
        LoadAsync(paths, cluster, ManifestLimits.Default, cancellationToken);

    /// <summary>
    /// Loads the manifests within <paramref name="limits"/>: a file over a limit (size, nesting, scalar length, alias
    /// expansion) is an <see cref="InputFileException"/> naming it. The folder walk never opens anything but regular
    /// files, enters each folder once (a link back into a folder being read is skipped), and says in the snapshot's
    /// notes what it skipped.
    /// </summary>
    /// <exception cref="InputFileException">A path is missing, a file is malformed or over a limit, or nothing Kubernetes-shaped was found.</exception>
    public static Task<ManifestLoadResult> LoadAsync(IReadOnlyList<string> paths, ClusterIdentity cluster, ManifestLimits limits, CancellationToken cancellationToken) =>
        LoadAsync(paths, cluster, limits, [], cancellationToken);

    /// <summary>
    /// Loads the manifests as <see cref="LoadAsync(IReadOnlyList{string}, ClusterIdentity, ManifestLimits, CancellationToken)"/>
    /// does, leaving out the folders of the walk that match one of <paramref name="skipDirectories"/> (<c>--skip-dirs</c>):
    /// a pattern without <c>/</c> matches a folder's name at any depth, one with <c>/</c> its path under the folder
    /// named in <paramref name="paths"/> (<c>*</c> any run, <c>?</c> one character). Each folder skipped is a note. A
    /// path named in <paramref name="paths"/> itself is always read.
    /// </summary>
    public static Task<ManifestLoadResult> LoadAsync(
        IReadOnlyList<string> paths,
        ClusterIdentity cluster,
        ManifestLimits limits,
        IReadOnlyList<string> skipDirectories,
        CancellationToken cancellationToken) =>
        LoadAsync(paths, [], cluster, limits, skipDirectories, cancellationToken);

    /// <summary>
    /// Loads the manifests of <paramref name="paths"/> as the overload without <paramref name="rendered"/> does, and
    /// then the rendered manifests (<c>--kustomize</c>) into the same snapshot, under the same limits and rules.
    /// </summary>
    public static async Task<ManifestLoadResult> LoadAsync(
        IReadOnlyList<string> paths,
        IReadOnlyList<RenderedManifests> rendered,
        ClusterIdentity cluster,
        ManifestLimits limits,
        IReadOnlyList<string> skipDirectories,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(skipDirectories);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        if (paths.Count == 0 && rendered.Count == 0)
        {
            throw new InputFileException("no manifest path given");
        }

        var input = new LoadState(new SnapshotBuilder(), limits, []);
        var files = 0;
        long bytes = 0;
        var documents = 0;
        foreach (var file in ExpandPaths(paths, skipDirectories, input.Builder.AddNote))
        {
            var content = await BoundedFileReader.ReadAsync(file, limits.MaxFileBytes, cancellationToken).ConfigureAwait(false);
            files++;
            bytes += content.Length;
            documents += ReadInput(file, content, input, cancellationToken);
        }

        foreach (var output in rendered)
        {
            if (output.Content.Length > limits.MaxFileBytes)
            {
                throw new InputFileException(output.Name, null, null, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the rendered manifests are {output.Content.Length:N0} bytes, larger than the limit of {limits.MaxFileBytes:N0} bytes for one input"));
            }

            files++;
            bytes += output.Content.Length;
            documents += ReadInput(output.Name, output.Content.ToArray(), input, cancellationToken);
        }

        if (documents == 0)
        {
            var skipped = input.SkippedTemplates.Count == 0
                ? string.Empty
                : string.Create(CultureInfo.InvariantCulture, $"; {input.SkippedTemplates.Count} files were skipped as unrendered Helm templates ({HelmTemplates.Advice})");
            throw new InputFileException(
                $"no Kubernetes objects found in {string.Join(", ", [.. paths, .. rendered.Select(r => r.Name)])} (looked for .yaml, .yml and .json files; empty files are skipped){skipped}");
        }

        var snapshot = input.Builder.Build(cluster, SnapshotSource.Manifests);
        RefuseInvalid(ObjectValidator.Validate(snapshot));
        return new ManifestLoadResult(snapshot, files, bytes) { SkippedTemplates = input.SkippedTemplates };
    }

    /// <summary>The snapshot being built, the limits, and the Helm templates left out so far.</summary>
    private sealed record LoadState(SnapshotBuilder Builder, ManifestLimits Limits, List<string> SkippedTemplates);

    /// <summary>
    /// Reads one input into the snapshot and returns how many documents it held. An unrendered Helm template
    /// (<see cref="HelmTemplates"/>) is left out with a note; a file of YAML without a kind (Helm values, a
    /// <c>Chart.yaml</c>) is noted as not Kubernetes objects; binary content and malformed YAML are errors naming the file.
    /// </summary>
    private static int ReadInput(string file, byte[] content, LoadState input, CancellationToken cancellationToken)
    {
        var builder = input.Builder;
        var text = SkipBom(content);
        if (IsBlank(text.Span))
        {
            builder.AddNote($"{file}: the file is empty; skipped");
            return 0;
        }

        if (text.Span.Contains((byte)0))
        {
            throw new InputFileException(file, null, null, "a binary file (it holds NUL bytes), not YAML or JSON text");
        }

        BoundedFileReader.RequireUtf8(text.Span, file);
        var parsed = IsJson(file)
            ? JsonManifestParser.Parse(text, file, input.Limits)
            : YamlManifestParser.Parse(text, file, input.Limits);
        if (HelmTemplates.HasActions(text.Span))
        {
            // Template files are small: parse them whole first, so that a template is left out entirely or read entirely.
            var chart = HelmTemplates.ChartOf(file);
            string? why = chart is null ? null : $"a template of the chart in {Normalize(chart)}";
            List<ManifestDocument> all = [];
            if (why is null)
            {
                try
                {
                    all = [.. parsed];
                }
                catch (InputFileException ex)
                {
                    why = $"not valid YAML until rendered: {ex.Problem ?? ex.Message}";
                }
            }

            if (why is null && all.Any(d => HelmTemplates.IsTemplated(d.Root)))
            {
                why = "template actions in its fields";
            }

            if (why is not null)
            {
                var note = $"{file}: Helm template, not rendered ({why}); skipped: {HelmTemplates.Advice}";
                builder.AddNote(note);
                input.SkippedTemplates.Add(note);
                return 0;
            }

            parsed = all;
        }

        var fileDocuments = 0;
        var withoutKind = 0;
        foreach (var document in parsed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            fileDocuments++;
            if (document.Root.ValueKind == JsonValueKind.Object && !document.Root.TryGetProperty("kind", out _))
            {
                withoutKind++;
            }

            ReadDocument(document, file, builder);
        }

        if (fileDocuments == 0)
        {
            builder.AddNote($"{file}: no YAML documents; skipped");
        }
        else if (withoutKind == fileDocuments)
        {
            builder.AddNote($"{file}: YAML without a kind, not Kubernetes objects (Helm values or a Chart.yaml?); ignored");
        }

        return fileDocuments;
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

    /// <summary>
    /// The files to read: each path named (a regular file or a pipe such as <c>&lt;(kubectl get -o yaml)</c>; a device
    /// or socket is refused), and the manifests found in each folder named.
    /// </summary>
    private static IEnumerable<string> ExpandPaths(IReadOnlyList<string> paths, IReadOnlyList<string> skipDirectories, Action<string> note)
    {
        var entered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var probe = FileProbe.Probe(path);
            switch (probe.Kind)
            {
                case FileKind.Regular or FileKind.Fifo:
                    yield return Normalize(path);
                    break;
                case FileKind.Directory:
                    var walk = new FolderWalk(path, skipDirectories, entered, note);
                    foreach (var file in EnumerateDirectory(walk, path, probe, depth: 0))
                    {
                        yield return Normalize(file);
                    }

                    break;
                case FileKind.Missing:
                    throw new InputFileException(path, null, null, "no such file or directory");
                default:
                    throw new InputFileException(path, null, null, $"is {probe.Describe()}, not a regular file; netpolgov reads manifests from files, folders and pipes only");
            }
        }
    }

    /// <summary>
    /// The manifests under <paramref name="directory"/>, in ordinal order. Symbolic links are followed, but a folder
    /// already entered (the same device and inode on Linux, else the same resolved path) is not entered again, so a
    /// link loop ends; FIFOs, devices and sockets are never opened. Every entry skipped for either reason is a note.
    /// </summary>
    private static IEnumerable<string> EnumerateDirectory(FolderWalk walk, string directory, FileProbeResult probe, int depth)
    {
        var note = walk.Note;
        if (depth > 0 && walk.SkipPattern(directory) is { } pattern)
        {
            note($"{Normalize(directory)}: skipped (matches the skip-dirs pattern '{pattern}')");
            yield break;
        }

        if (!walk.Entered.Add(FolderKey(directory, probe)))
        {
            note($"{Normalize(directory)}: a link to a folder that is already being read; skipped (no link loop is followed)");
            yield break;
        }

        if (depth >= MaxFolderDepth)
        {
            note($"{Normalize(directory)}: folders nest deeper than {MaxFolderDepth} levels; skipped");
            yield break;
        }

        List<FileSystemInfo> entries;
        try
        {
            entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos()
                .Where(e => !e.Name.StartsWith('.'))
                .OrderBy(e => e.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(Normalize(directory), null, null, $"cannot read the folder: {ex.Message}", ex);
        }

        foreach (var entry in entries)
        {
            var path = Path.Combine(directory, entry.Name);
            var isManifest = s_extensions.Contains(Path.GetExtension(entry.Name), StringComparer.OrdinalIgnoreCase);
            var kind = FileProbe.Probe(path);
            switch (kind.Kind)
            {
                case FileKind.Directory:
                    foreach (var nested in EnumerateDirectory(walk, path, kind, depth + 1))
                    {
                        yield return nested;
                    }

                    break;
                case FileKind.Regular when isManifest:
                    yield return path;
                    break;
                case FileKind.Regular:
                    break;
                case FileKind.Missing when isManifest:
                    note($"{Normalize(path)}: a link to nothing; skipped");
                    break;
                case FileKind.Missing:
                    break;
                default:
                    if (isManifest)
                    {
                        note($"{Normalize(path)}: {kind.Describe()}, not a regular file; skipped without opening it");
                    }

                    break;
            }
        }
    }

    /// <summary>One folder named on the command line, walked: what to skip, what was entered, where notes go.</summary>
    private sealed record FolderWalk(string Root, IReadOnlyList<string> SkipDirectories, HashSet<string> Entered, Action<string> Note)
    {
        /// <summary>The first pattern that matches <paramref name="directory"/> (its name, or its path under the root), or null.</summary>
        public string? SkipPattern(string directory)
        {
            if (SkipDirectories.Count == 0)
            {
                return null;
            }

            var name = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
            var relative = Normalize(Path.GetRelativePath(Root, directory));
            foreach (var raw in SkipDirectories)
            {
                var pattern = Normalize(raw).Trim().TrimEnd('/');
                if (pattern.StartsWith("./", StringComparison.Ordinal))
                {
                    pattern = pattern[2..];
                }

                var subject = pattern.Contains('/', StringComparison.Ordinal) ? relative : name;
                if (pattern.Length > 0 && Analysis.Exemptions.Glob.IsMatch(pattern, subject, StringComparison.Ordinal))
                {
                    return raw;
                }
            }

            return null;
        }
    }

    private static string FolderKey(string directory, FileProbeResult probe)
    {
        if (probe.Identity is { } id)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{id.DeviceMajor}:{id.DeviceMinor}:{id.Inode}");
        }

        var info = new DirectoryInfo(directory);
        var target = info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        return Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
    }

    private static ReadOnlyMemory<byte> SkipBom(byte[] content) =>
        content.AsSpan().StartsWith("\uFEFF"u8) ? content.AsMemory(3) : content;

    private static bool IsBlank(ReadOnlySpan<byte> content) =>
        content.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static bool IsJson(string file) => string.Equals(Path.GetExtension(file), ".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Paths in reports and SARIF use forward slashes.</summary>
    private static string Normalize(string path) => path.Replace('\\', '/');
}
