using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using NetPolGovernance.Cli.Settings;

namespace NetPolGovernance.Cli;

/// <summary>
/// Parses and runs a command line the way <c>netpolgov</c> does. A command line the parser refuses never reaches a
/// command: each problem is one <c>error:</c> line on stderr (never stdout, which may be a report redirected to a
/// file), an unknown option or command names the closest known one ("did you mean"), and the exit code is
/// <see cref="ExitCodes.UsageError"/>. Options that take several values (<c>--manifests a b</c>) take them up to the next
/// option; a token among those values that looks like an option but is neither an option nor an existing path is an
/// unknown option, not a missing file.
/// </summary>
internal static class CliParser
{
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction parseError)
        {
            parseError.ShowHelp = false;
            parseError.ShowTypoCorrections = false;
        }

        return parseResult;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command, or reports why the command line is refused.</summary>
    /// <remarks>
    /// A command line that may run gets the settings it lacks from the environment and the configuration file
    /// (<see cref="CliSettings"/>) as tokens of its own, and is parsed again: a bad value from either is refused as a bad
    /// flag is, naming the variable or the file and key it came from.
    /// </remarks>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration configuration, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var parseResult = Parse(root, args);
        var problems = Problems(parseResult);
        if (problems.Count == 0 && ReferenceEquals(parseResult.Action, parseResult.CommandResult.Command.Action))
        {
            try
            {
                var resolution = CliSettings.Resolve(parseResult, environment);
                if (resolution.Settings.Count > 0)
                {
                    parseResult = Parse(root, CliSettings.WithSettings(args, resolution.Settings));
                    problems = Problems(parseResult, resolution.Settings.ToDictionary(s => s.Option, s => s.Origin));
                }
            }
            catch (CliSettingsException ex)
            {
                problems = [ex.Message];
            }
        }

        if (problems.Count == 0)
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }

        var error = configuration.Error;
        foreach (var problem in problems)
        {
            await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
        }

        await error.WriteLineAsync($"see '{CommandPath(parseResult.CommandResult.Command)} --help'").ConfigureAwait(false);
        await error.FlushAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.UsageError;
    }

    /// <summary>Why the command line is refused, one line each; empty when it may run.</summary>
    public static IReadOnlyList<string> Problems(ParseResult parseResult) => Problems(parseResult, new Dictionary<Option, string>());

    /// <summary>Why the command line is refused; a problem with a value from <paramref name="origins"/> names where it came from.</summary>
    public static IReadOnlyList<string> Problems(ParseResult parseResult, IReadOnlyDictionary<Option, string> origins)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(origins);
        var action = parseResult.Action;
        if (action is not ParseErrorAction && !ReferenceEquals(action, parseResult.CommandResult.Command.Action))
        {
            return []; // a directive such as [suggest] or --help/--version: it runs whatever else is on the line
        }

        var command = parseResult.CommandResult.Command;
        var problems = new List<string>();
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in parseResult.UnmatchedTokens)
        {
            unknown.Add(token);
            problems.Add(Unknown(command, token));
        }

        foreach (var token in OptionLikeValues(parseResult.CommandResult))
        {
            if (unknown.Add(token))
            {
                problems.Add(Unknown(command, token));
            }
        }

        foreach (var parseError in parseResult.Errors)
        {
            if (unknown.Any(token => parseError.Message.Contains($"'{token}'", StringComparison.Ordinal)))
            {
                continue; // said above, with a suggestion
            }

            if (command.Subcommands.Count > 0 && unknown.Any(token => !token.StartsWith('-')) && parseError.SymbolResult is CommandResult)
            {
                continue; // "required command was not provided" after an unknown command says nothing new
            }

            problems.Add(OriginOf(parseError.SymbolResult, origins) is { } origin ? $"{origin}: {parseError.Message}" : parseError.Message);
        }

        return problems;
    }

    /// <summary>
    /// Values of multi-valued options and of positional arguments that look like options (<c>-x</c>, <c>--xyz</c>)
    /// and are not existing paths: a mistyped option the previous option swallowed.
    /// </summary>
    private static IEnumerable<string> OptionLikeValues(CommandResult commandResult)
    {
        foreach (var child in commandResult.Children)
        {
            var takesSeveral = child switch
            {
                OptionResult option => option.Option.Arity.MaximumNumberOfValues > 1,
                ArgumentResult => true,
                _ => false,
            };
            if (!takesSeveral)
            {
                continue;
            }

            foreach (var token in child.Tokens)
            {
                if (token.Type == TokenType.Argument && LooksLikeOption(token.Value) && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                {
                    yield return token.Value;
                }
            }
        }
    }

    private static string? OriginOf(SymbolResult? result, IReadOnlyDictionary<Option, string> origins)
    {
        for (var current = result; current is not null; current = current.Parent)
        {
            if (current is OptionResult option && origins.TryGetValue(option.Option, out var origin))
            {
                return origin;
            }
        }

        return null;
    }

    private static bool LooksLikeOption(string value) =>
        value.Length > 1 && value[0] == '-' && !char.IsAsciiDigit(value[1]) && value[1] != '.';

    private static string Unknown(Command command, string token)
    {
        var isOption = token.StartsWith('-');
        var name = isOption ? token.Split('=', 2)[0] : token;
        var what = isOption
            ? $"unknown option '{name}' for '{CommandPath(command)}'"
            : command.Subcommands.Count > 0
                ? $"unknown command '{name}' for '{CommandPath(command)}'"
                : $"unexpected argument '{name}' for '{CommandPath(command)}'";
        var candidates = isOption ? OptionNames(command) : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        return Closest(name, candidates) is { } suggestion ? $"{what}; did you mean {suggestion}?" : what;
    }

    /// <summary>Every option name and alias the command accepts, its own and those inherited from its parents.</summary>
    private static IEnumerable<string> OptionNames(Command command)
    {
        foreach (var option in command.Options.Where(o => !o.Hidden))
        {
            yield return option.Name;
            foreach (var alias in option.Aliases)
            {
                yield return alias;
            }
        }

        foreach (var parent in command.Parents.OfType<Command>())
        {
            foreach (var option in parent.Options.Where(o => o.Recursive && !o.Hidden))
            {
                yield return option.Name;
            }
        }
    }

    /// <summary>The candidate closest to <paramref name="typed"/>, when it is close enough to be what was meant.</summary>
    internal static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var bare = typed.TrimStart('-');
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var other = candidate.TrimStart('-');
            var distance = other.StartsWith(bare, StringComparison.OrdinalIgnoreCase) && bare.Length >= 3 ? 1 : Distance(bare, other);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var allowed = Math.Max(1, Math.Min(3, bare.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Edit distance with adjacent transpositions (a swapped pair of letters is one typo).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.Add(current is RootCommand ? "netpolgov" : current.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
