using System.CommandLine;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetPolGovernance.Cli.Settings;

/// <summary>
/// The configuration file: a YAML mapping whose keys are flag names without dashes (<c>format: json</c>,
/// <c>namespace: [team-*]</c>) for every command that has the flag, or command names whose mappings hold that
/// command's own keys (<c>scan: {profile: strict}</c>, <c>clusters: {list: {format: json}}</c>). Every key must be a
/// flag or command somewhere (else the file is refused, naming the key). Relative paths (FILE, DIR and PATH flags) are
/// relative to the file's folder.
/// </summary>
internal sealed class ConfigFile
{
    private const int MaxBytes = 1024 * 1024;

    private readonly YamlMappingNode _root;
    private readonly string _folder;

    private ConfigFile(string path, YamlMappingNode root)
    {
        Path = path;
        _root = root;
        _folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
    }

    /// <summary>The file as named (given, or found in the working directory).</summary>
    public string Path { get; }

    /// <summary>
    /// The file <c>--config</c>, <c>NETPOLGOV_CONFIG</c> or the working directory names, read and checked against every
    /// command under <paramref name="root"/>; null when none is named and the working directory has none.
    /// </summary>
    public static ConfigFile? Find(ParseResult parseResult, Command root, CliEnvironment environment)
    {
        var option = CliSettings.Settable(root).Concat(root.Options).OfType<Option<string?>>().FirstOrDefault(o => o.Name == CliSettings.ConfigOptionName);
        var given = option is null ? null : parseResult.GetValue(option);
        var origin = "--config";
        if (string.IsNullOrWhiteSpace(given) && environment.Variable(CliSettings.ConfigVariable) is { } variable && !string.IsNullOrWhiteSpace(variable))
        {
            given = variable.Trim();
            origin = $"{CliSettings.ConfigVariable} (environment)";
        }

        string path;
        if (!string.IsNullOrWhiteSpace(given))
        {
            path = given;
            if (!File.Exists(path))
            {
                throw new CliSettingsException($"{path}: no such configuration file (from {origin})");
            }
        }
        else
        {
            path = System.IO.Path.Combine(environment.WorkingDirectory, CliSettings.ConfigFileName);
            if (!File.Exists(path))
            {
                return null;
            }
        }

        var file = new ConfigFile(path, Read(path));
        file.Check(root);
        return file;
    }

    /// <summary>The setting of <paramref name="option"/> for the command at <paramref name="commandPath"/>: its section, then the top level.</summary>
    public Setting? Value(IReadOnlyList<string> commandPath, Option option)
    {
        var key = CliSettings.Key(option);
        var section = _root;
        var sectionPath = new List<string>();
        YamlNode? found = null;
        string? foundAt = null;
        foreach (var name in commandPath)
        {
            if (!section.Children.TryGetValue(new YamlScalarNode(name), out var child) || child is not YamlMappingNode mapping)
            {
                break;
            }

            section = mapping;
            sectionPath.Add(name);
            if (section.Children.TryGetValue(new YamlScalarNode(key), out var value))
            {
                found = value;
                foundAt = string.Join('.', sectionPath.Append(key));
            }
        }

        if (found is null && !CliSettings.IsCommandSpecific(option) && _root.Children.TryGetValue(new YamlScalarNode(key), out var top))
        {
            found = top;
            foundAt = key;
        }

        return found is null ? null : Convert(option, found, $"{Path}: {foundAt}");
    }

    private Setting Convert(Option option, YamlNode node, string origin)
    {
        if (node is YamlSequenceNode sequence)
        {
            if (!CliSettings.TakesSeveral(option))
            {
                throw new CliSettingsException($"{origin}: {option.Name} takes one value, not a list");
            }

            var values = sequence.Children.Select(item => item is YamlScalarNode { Value: { Length: > 0 } text } ? Resolved(option, text) : throw new CliSettingsException($"{origin}: list items must be plain values")).ToList();
            return new Setting(option, values, origin, Layer: 2);
        }

        if (node is not YamlScalarNode scalar)
        {
            throw new CliSettingsException($"{origin}: expected a value{(CliSettings.TakesSeveral(option) ? " or a list of values" : string.Empty)}, not a mapping");
        }

        var value = scalar.Value?.Trim() ?? string.Empty;
        if (CliSettings.IsFlag(option))
        {
            return CliSettings.ParseFlag(value) is { } on
                ? new Setting(option, on ? [] : null, origin, Layer: 2)
                : throw new CliSettingsException($"{origin}: '{value}' is not true or false");
        }

        if (value.Length == 0)
        {
            // `kubeconfig:` with no value asks for the flag without one, as the command line allows for optional values.
            return option.Arity.MinimumNumberOfValues == 0
                ? new Setting(option, [], origin, Layer: 2)
                : throw new CliSettingsException($"{origin}: {option.Name} needs a value");
        }

        return new Setting(option, [Resolved(option, value)], origin, Layer: 2);
    }

    /// <summary>A relative path from the file is relative to the file's folder (kept relative to the working directory when under it).</summary>
    private string Resolved(Option option, string value)
    {
        if (!CliSettings.IsPath(option) || System.IO.Path.IsPathRooted(value))
        {
            return value;
        }

        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(_folder, value));
        var relative = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }

    private static YamlMappingNode Read(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
            {
                throw new CliSettingsException($"{path}: a configuration file of {info.Length.ToString(CultureInfo.InvariantCulture)} bytes; at most {MaxBytes.ToString(CultureInfo.InvariantCulture)}");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliSettingsException($"{path}: cannot read the configuration file: {ex.Message}", ex);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new CliSettingsException($"{path}:{ex.Start.Line.ToString(CultureInfo.InvariantCulture)}: not valid YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new YamlMappingNode();
        }

        if (stream.Documents.Count > 1)
        {
            throw new CliSettingsException($"{path}: one YAML document expected, found {stream.Documents.Count.ToString(CultureInfo.InvariantCulture)}");
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new CliSettingsException($"{path}: expected a mapping of settings (key: value)");
    }

    /// <summary>Every key names a flag or a command: a typo is refused, naming the file, line and key.</summary>
    private void Check(Command root)
    {
        var everyKey = new HashSet<string>(StringComparer.Ordinal);
        Collect(root, everyKey);
        CheckSection(_root, root, everyKey, []);
    }

    private static void Collect(Command command, HashSet<string> keys)
    {
        foreach (var option in CliSettings.Settable(command).Where(o => !CliSettings.IsCommandSpecific(o)))
        {
            keys.Add(CliSettings.Key(option));
        }

        foreach (var subcommand in command.Subcommands)
        {
            Collect(subcommand, keys);
        }
    }

    private void CheckSection(YamlMappingNode section, Command command, HashSet<string> topLevelKeys, List<string> path)
    {
        var own = CliSettings.Settable(command).Select(CliSettings.Key).ToHashSet(StringComparer.Ordinal);
        var keys = path.Count == 0 ? topLevelKeys : own;
        foreach (var (keyNode, value) in section.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var where = string.Join('.', path.Append(key));
            var line = keyNode.Start.Line.ToString(CultureInfo.InvariantCulture);
            if (command.Subcommands.FirstOrDefault(c => c.Name == key) is { } subcommand)
            {
                if (value is not YamlMappingNode mapping)
                {
                    throw new CliSettingsException($"{Path}:{line}: '{where}' is a command; its settings go in a mapping ({key}: {{flag: value}})");
                }

                CheckSection(mapping, subcommand, topLevelKeys, [.. path, key]);
                continue;
            }

            if (!keys.Contains(key))
            {
                var suggestion = CliParser.Closest(key, keys.Concat(command.Subcommands.Select(c => c.Name)));
                var scope = path.Count == 0 ? "any command" : $"'{string.Join(' ', path)}'";
                var hint = key.StartsWith('-') ? "; write keys without dashes" : suggestion is null ? string.Empty : $"; did you mean {suggestion}?";
                throw new CliSettingsException($"{Path}:{line}: unknown key '{where}': not a flag of {scope}{hint} (docs/cli.md)");
            }
        }
    }
}
