using System.CommandLine;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// Options every command takes, with the same meaning everywhere: <c>--quiet/-q</c>, <c>--verbose/-v</c>,
/// <c>--no-color</c> (also the <c>NO_COLOR</c> environment variable, any non-empty value). Applied to the interaction
/// service before a command runs.
/// </summary>
internal sealed class GlobalOptions(IInteractionService interaction)
{
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Errors only on stderr: no progress, status lines or warnings.", Recursive = true };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Also one line per finished cluster and informational log lines (retries, API calls).", Recursive = true };

    public Option<bool> NoColor { get; } = new("--no-color") { Description = "No colour on stderr (also when NO_COLOR is set).", Recursive = true };

    /// <summary>The configuration file (docs/cli.md); read by the parser layer (<see cref="Settings.CliSettings"/>), not by commands.</summary>
    public Option<string?> Config { get; } = new(Settings.CliSettings.ConfigOptionName)
    {
        Description = $"Settings file (default: {Settings.CliSettings.ConfigFileName} in the working directory, or ${Settings.CliSettings.ConfigVariable}). Precedence: command line, then NETPOLGOV_* variables, then the file (docs/cli.md).",
        HelpName = "FILE",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Config);
        root.Options.Add(Quiet);
        root.Options.Add(Verbose);
        root.Options.Add(NoColor);
    }

    public void Apply(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        if (parseResult.GetValue(Quiet) && parseResult.GetValue(Verbose))
        {
            throw new Scanning.ScanInputException("--quiet and --verbose contradict each other; give one");
        }

        interaction.Verbosity = parseResult.GetValue(Quiet) ? Verbosity.Quiet : parseResult.GetValue(Verbose) ? Verbosity.Verbose : Verbosity.Normal;
        if (parseResult.GetValue(NoColor) || NoColorRequested(Environment.GetEnvironmentVariable("NO_COLOR")))
        {
            interaction.UseColor = false;
        }
    }

    /// <summary>The NO_COLOR convention: set and not empty.</summary>
    public static bool NoColorRequested(string? value) => !string.IsNullOrEmpty(value);
}
