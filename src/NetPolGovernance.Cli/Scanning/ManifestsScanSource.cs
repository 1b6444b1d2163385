using System.CommandLine;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// <c>--manifests PATH...</c>, or the paths given without an option (<c>netpolgov scan k8s/ base.yaml</c>), and the
/// kustomizations of <c>--kustomize DIR</c> (rendered by <see cref="KustomizeRenderer"/>): files, folders and rendered
/// output that together form one cluster (<c>--cluster-name</c>).
/// </summary>
internal sealed class ManifestsScanSource(IInteractionService interaction, CliEnvironment environment) : IScanSource
{
    private readonly Option<string[]> _kustomize = new("--kustomize")
    {
        Description = "Kustomization folder to render with `kubectl kustomize DIR` (repeatable; kubectl on PATH) and read as manifests, alone or with PATHs; nothing is applied.",
        HelpName = "DIR",
    };

    private readonly Option<string[]> _manifests = new("--manifests")
    {
        Description = "Manifest files or folders (YAML or JSON, searched recursively); together they form one cluster.",
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Argument<string[]> _paths = new("PATH")
    {
        Description = "Manifest files or folders, as with --manifests.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string?> _clusterName = new("--cluster-name")
    {
        Description = "Name of the cluster the manifests form. Default: the name of the first PATH's folder.",
        HelpName = "NAME",
    };

    private readonly Option<string[]> _skipDirs = new("--skip-dirs")
    {
        Description = "Folders of the manifest walk to leave out (repeatable; globs with * and ?): a name matches at any depth (charts), a path with / under the folder given (overlays/*/tmp).",
        HelpName = "GLOB",
    };

    public string Usage => "--manifests PATH...";

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_manifests);
        command.Arguments.Add(_paths);
        command.Options.Add(_kustomize);
        command.Options.Add(_clusterName);
        command.Options.Add(_skipDirs);
        CliSettings.Exclusive(CliSettings.SourceGroup, _manifests, _paths, _kustomize);
    }

    /// <summary>The folders among the manifest paths, where conventionally named files (the exemptions) are looked for.</summary>
    public IReadOnlyList<string> InputFolders(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return [.. (parseResult.GetValue(_manifests) ?? []).Concat(parseResult.GetValue(_paths) ?? []).Concat(parseResult.GetValue(_kustomize) ?? []).Where(Directory.Exists)];
    }

    public bool IsSelected(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetResult(_manifests) is not null || parseResult.GetValue(_paths) is { Length: > 0 } || parseResult.GetValue(_kustomize) is { Length: > 0 };
    }

    public async Task<ScanSourceSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        string[] paths = [.. parseResult.GetValue(_manifests) ?? [], .. parseResult.GetValue(_paths) ?? []];
        var name = parseResult.GetValue(_clusterName);
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            throw new ScanInputException("--cluster-name must not be empty");
        }

        var kustomizations = parseResult.GetValue(_kustomize) ?? [];
        var identity = new ClusterIdentity { Name = name ?? ManifestLoader.DefaultClusterName(paths.Length > 0 ? paths : kustomizations) };
        ManifestLoadResult loaded;
        try
        {
            var rendered = new List<RenderedManifests>();
            foreach (var folder in kustomizations)
            {
                rendered.Add(await KustomizeRenderer.RenderAsync(folder, environment.Variable("PATH"), ManifestLimits.Default, KustomizeRenderer.DefaultTimeout, cancellationToken).ConfigureAwait(false));
            }

            loaded = await ManifestLoader.LoadAsync(paths, rendered, identity, ManifestLimits.Default, parseResult.GetValue(_skipDirs) ?? [], cancellationToken).ConfigureAwait(false);
        }
        catch (InputFileException ex)
        {
            throw new ScanInputException(ex.Message, ex);
        }

        ShowSkipped(interaction, loaded);
        var source = new ManifestClusterSource(loaded);
        return new ScanSourceSession(source, source) { Locations = new SnapshotLocations(loaded.Snapshot) };
    }

    /// <summary>The files left out as unrendered Helm templates, once each on stderr (they are also in the report's notes).</summary>
    public static void ShowSkipped(IInteractionService interaction, ManifestLoadResult loaded)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(loaded);
        foreach (var note in loaded.SkippedTemplates)
        {
            interaction.DisplayWarning(note);
        }
    }
}
