using NetPolGovernance.Cli.Scanning;
using Spectre.Console;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// Where a report goes. Machine formats write to <see cref="Stream"/>; human formats to <see cref="Console"/>
/// (the stdout console, or a colourless console over the output file). The target is owned by the command.
/// </summary>
internal sealed record ReportTarget(Stream Stream, IAnsiConsole Console)
{
    /// <summary>Where objects were written, when the source knows (manifests).</summary>
    public ISourceLocationLookup? Locations { get; init; }

    /// <summary>True when the report goes to a file rather than stdout.</summary>
    public bool IsFile { get; init; }
}
