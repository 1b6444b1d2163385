using Spectre.Console;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// All console I/O of the CLI. Human output goes through <see cref="Output"/>; machine formats (JSON, SARIF) write to
/// the raw <see cref="OpenStandardOutput"/> stream, so stdout carries nothing else (no colour, no progress).
/// Messages, warnings, errors and progress go to stderr, one line each in the same <c>error:</c>/<c>warning:</c> style.
/// </summary>
internal interface IInteractionService
{
    /// <summary>The stdout console for human-readable output (tables).</summary>
    IAnsiConsole Output { get; }

    /// <summary>The raw stdout stream for machine-readable output. The caller does not own it (do not dispose).</summary>
    Stream OpenStandardOutput();

    void DisplayError(string message);

    /// <summary>A warning line on stderr; the same message is shown once per run, and not at all with <c>--quiet</c>.</summary>
    void DisplayWarning(string message);

    /// <summary>True when stderr is an interactive terminal (a live progress line is shown only then).</summary>
    bool IsInteractive { get; }

    /// <summary>A progress or status line on stderr (never stdout); not shown with <c>--quiet</c>.</summary>
    void DisplayStatus(string message);

    /// <summary>
    /// Sets the live line at the bottom of an interactive stderr (redrawn in place, kept below other messages), or
    /// clears it with null. Does nothing when stderr is not a terminal or with <c>--quiet</c>.
    /// </summary>
    void DisplayLive(string? line);

    /// <summary>Set from <c>--quiet</c>/<c>--verbose</c> before a command runs.</summary>
    Verbosity Verbosity { get; set; }

    /// <summary>False with <c>--no-color</c> or <c>NO_COLOR</c>: stderr lines carry no colour.</summary>
    bool UseColor { get; set; }
}
