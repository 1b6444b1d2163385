using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.CompilerServices;

namespace NetPolGovernance.Cli.Settings;

/// <summary>
/// Settings besides the command line, for every flag of every command, in one place (docs/cli.md). Precedence:
/// the command line, then the environment (<c>NETPOLGOV_&lt;COMMAND&gt;_&lt;FLAG&gt;</c>, then <c>NETPOLGOV_&lt;FLAG&gt;</c>), then
/// the configuration file (<c>--config FILE</c>, <c>NETPOLGOV_CONFIG</c>, else <c>netpolgov.yaml</c> in the working
/// directory: a command's section, then the top level), then the defaults. A value from the environment or the file
/// becomes the tokens the command line would have held, so it is parsed, validated and refused exactly as a flag is,
/// with its origin named. Rules:
/// <list type="bullet">
/// <item>A flag whose meaning is its command's own (<see cref="CommandSpecific{T}"/>: <c>remediate --profile</c>, a
/// policy set, and <c>remediate -o</c>, a folder) is read only from the command's variable and section.</item>
/// <item>A flag that changes a cluster (<see cref="CommandLineOnly{T}"/>: <c>--apply</c>) is read only from the command line.</item>
/// <item>The members of an exclusive group (<see cref="Exclusive"/>: the scan sources) come from one origin: the
/// highest that names any of them.</item>
/// <item>Environment names that are no flag's are ignored (the Functions app reads its own <c>NETPOLGOV_*</c>
/// settings); <see cref="ReservedVariables"/> are Functions settings with another meaning and never read as flags.</item>
/// </list>
/// </summary>
internal static class CliSettings
{
    public const string ConfigFileName = "netpolgov.yaml";
    public const string VariablePrefix = "NETPOLGOV_";
    public const string ConfigVariable = "NETPOLGOV_CONFIG";
    public const string ConfigOptionName = "--config";

    /// <summary>The scan sources: <c>--manifests</c>/PATH, <c>--kubeconfig</c>/<c>--context</c>/<c>--all-contexts</c>, <c>--azure</c>, <c>--simulated-fleet</c>.</summary>
    public const string SourceGroup = "source";

    private static readonly ConditionalWeakTable<Symbol, string> s_groups = [];
    private static readonly ConditionalWeakTable<Option, string> s_commandSpecific = [];
    private static readonly ConditionalWeakTable<Option, string> s_commandLineOnly = [];

    /// <summary>
    /// Functions app settings whose names a CLI flag would derive but that mean something else there:
    /// <c>NETPOLGOV_EXEMPTIONS</c> is exemptions JSON in the app, a file path in the CLI (use <c>NETPOLGOV_SCAN_EXEMPTIONS</c>).
    /// </summary>
    public static IReadOnlyList<string> ReservedVariables { get; } = ["NETPOLGOV_EXEMPTIONS"];

    /// <summary>Puts <paramref name="symbols"/> in the exclusive group <paramref name="group"/>.</summary>
    public static void Exclusive(string group, params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            s_groups.AddOrUpdate(symbol, group);
        }
    }

    /// <summary>Marks <paramref name="option"/> as meaning something of its command's own: no shared variable or top-level key.</summary>
    public static T CommandSpecific<T>(T option)
        where T : Option
    {
        s_commandSpecific.AddOrUpdate(option, string.Empty);
        return option;
    }

    /// <summary>Marks <paramref name="option"/> as read from the command line only.</summary>
    public static T CommandLineOnly<T>(T option)
        where T : Option
    {
        s_commandLineOnly.AddOrUpdate(option, string.Empty);
        return option;
    }

    public static bool IsCommandSpecific(Option option) => s_commandSpecific.TryGetValue(option, out _);

    /// <summary>The key of <paramref name="option"/> in the configuration file: its name without dashes (<c>fail-on</c>).</summary>
    public static string Key(Option option) => option.Name.TrimStart('-');

    /// <summary>The shared variable of <paramref name="option"/>: <c>NETPOLGOV_FAIL_ON</c>.</summary>
    public static string Variable(Option option) => VariablePrefix + Upper(Key(option));

    /// <summary>The command's own variable of <paramref name="option"/>: <c>NETPOLGOV_SCAN_FAIL_ON</c>, <c>NETPOLGOV_CLUSTERS_LIST_FORMAT</c>.</summary>
    public static string Variable(IReadOnlyList<string> commandPath, Option option) =>
        VariablePrefix + string.Concat(commandPath.Select(c => Upper(c) + "_")) + Upper(Key(option));

    /// <summary>The options of <paramref name="command"/> a setting may give: its own and its parents' recursive ones, but not help, version, --config or command-line-only flags.</summary>
    public static IEnumerable<Option> Settable(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var seen = new HashSet<Option>();
        foreach (var option in command.Options.Concat(Ancestors(command).SelectMany(a => a.Options.Where(o => o.Recursive))))
        {
            if (option is HelpOption or VersionOption || option.Hidden || option.Name == ConfigOptionName || s_commandLineOnly.TryGetValue(option, out _) || !seen.Add(option))
            {
                continue;
            }

            yield return option;
        }
    }

    /// <summary>
    /// The settings <paramref name="parseResult"/>'s command line lacks, from the environment and the configuration file.
    /// Throws <see cref="CliSettingsException"/> for a configuration file that cannot be read or holds an unknown key.
    /// </summary>
    public static SettingsResolution Resolve(ParseResult parseResult, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        var command = parseResult.CommandResult.Command;
        var root = Ancestors(command).LastOrDefault() ?? command;
        var path = CommandPath(command);
        var file = ConfigFile.Find(parseResult, root, environment);

        var settings = new List<Setting>();
        foreach (var option in Settable(command))
        {
            if (parseResult.GetResult(option) is { Implicit: false })
            {
                continue;
            }

            if (FromEnvironment(option, path, environment) is { } fromEnvironment)
            {
                settings.Add(fromEnvironment);
            }
            else if (file?.Value(path, option) is { } fromFile)
            {
                settings.Add(fromFile);
            }
        }

        // An exclusive group comes from one origin: the command line when it names a member, else the highest layer that does.
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbol in command.Options.Cast<Symbol>().Concat(command.Arguments))
        {
            if (s_groups.TryGetValue(symbol, out var group) && Given(parseResult, symbol))
            {
                owners[group] = 0;
            }
        }

        foreach (var setting in settings)
        {
            if (s_groups.TryGetValue(setting.Option, out var group))
            {
                owners[group] = Math.Min(owners.GetValueOrDefault(group, int.MaxValue), setting.Layer);
            }
        }

        settings.RemoveAll(s => s_groups.TryGetValue(s.Option, out var group) && owners[group] < s.Layer);
        return new SettingsResolution(settings, file?.Path);
    }

    /// <summary><paramref name="args"/> with the tokens of <paramref name="settings"/> added before any <c>--</c>.</summary>
    public static IReadOnlyList<string> WithSettings(IReadOnlyList<string> args, IReadOnlyList<Setting> settings)
    {
        var tokens = settings.SelectMany(s => s.Tokens()).ToList();
        if (tokens.Count == 0)
        {
            return args;
        }

        var list = args.ToList();
        var end = list.IndexOf("--");
        list.InsertRange(end < 0 ? list.Count : end, tokens);
        return list;
    }

    internal static bool TakesSeveral(Option option) => option.Arity.MaximumNumberOfValues > 1;

    internal static bool IsFlag(Option option) => option.ValueType == typeof(bool) || option.ValueType == typeof(bool?);

    internal static bool IsPath(Option option) => option.HelpName is "FILE" or "DIR" or "PATH";

    internal static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }

    /// <summary>The command's names under the root: <c>[scan]</c>, <c>[clusters, list]</c>; empty for the root.</summary>
    internal static List<string> CommandPath(Command command)
    {
        if (command is RootCommand)
        {
            return [];
        }

        var names = Ancestors(command).Where(c => c is not RootCommand).Select(c => c.Name).Reverse().ToList();
        names.Add(command.Name);
        return names;
    }

    private static bool Given(ParseResult parseResult, Symbol symbol) => symbol switch
    {
        Option option => parseResult.GetResult(option) is { Implicit: false },
        Argument argument => parseResult.GetResult(argument) is { Tokens.Count: > 0 },
        _ => false,
    };

    private static Setting? FromEnvironment(Option option, IReadOnlyList<string> path, CliEnvironment environment)
    {
        var names = new List<string> { Variable(path, option) };
        if (!IsCommandSpecific(option) && !ReservedVariables.Contains(Variable(option), StringComparer.Ordinal))
        {
            names.Add(Variable(option));
        }

        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (environment.Variable(name) is not { } raw || string.IsNullOrWhiteSpace(raw))
            {
                continue; // empty means unset
            }

            var origin = $"{name} (environment)";
            var value = raw.Trim();
            if (IsFlag(option))
            {
                return ParseFlag(value) is { } on
                    ? new Setting(option, on ? [] : null, origin, Layer: 1)
                    : throw new CliSettingsException($"{origin}: '{value}' is not true or false");
            }

            IReadOnlyList<string> values = TakesSeveral(option)
                ? [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : [value];
            return new Setting(option, values, origin, Layer: 1);
        }

        return null;
    }

    internal static bool? ParseFlag(string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => null,
    };

    private static string Upper(string name) => name.Replace('-', '_').ToUpperInvariant();
}

/// <summary>What the settings add to a command line, and the configuration file read (null when none).</summary>
internal sealed record SettingsResolution(IReadOnlyList<Setting> Settings, string? ConfigFile);

/// <summary>
/// One flag's value from the environment (layer 1) or the configuration file (layer 2). <see cref="Values"/>: empty
/// for a flag given bare (<c>--quiet</c>, <c>--kubeconfig</c> without FILE), null for a flag turned off (no tokens).
/// </summary>
internal sealed record Setting(Option Option, IReadOnlyList<string>? Values, string Origin, int Layer)
{
    public IEnumerable<string> Tokens() => Values switch
    {
        null => [],
        [] => [Option.Name],
        _ => Values.Select(v => $"{Option.Name}={v}"),
    };
}
