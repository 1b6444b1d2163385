using Spectre.Console;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// All console I/O of the CLI. Human output goes through <see cref="Output"/>; machine formats (JSON, SARIF) write to
/// the raw <see cref="OpenStandardOutput"/> stream, so stdout carries nothing else (no colour, no progress).
/// Messages, warnings, errors and progress go to stderr.
/// </summary>
internal interface IInteractionService
{
    /// <summary>The stdout console for human-readable output (tables).</summary>
    IAnsiConsole Output { get; }

    /// <summary>The raw stdout stream for machine-readable output. The caller does not own it (do not dispose).</summary>
    Stream OpenStandardOutput();

    void DisplayError(string message);

    void DisplayWarning(string message);

    /// <summary>True when stderr is an interactive terminal (per-cluster progress is shown only then).</summary>
    bool IsInteractive { get; }

    /// <summary>A progress or status line on stderr (never stdout).</summary>
    void DisplayStatus(string message);
}
