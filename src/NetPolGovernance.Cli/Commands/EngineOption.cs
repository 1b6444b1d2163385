using System.CommandLine;
using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>--engine NAME</c>: the policy engine the user declares for what cannot be detected (an engine installed in a way
/// its DaemonSet does not show, or a manifests scan). Used only where neither the ARM profile nor a ready engine
/// DaemonSet names one; reported as declared, not detected (docs/semantics.md §10).
/// </summary>
internal static class EngineOption
{
    public static Option<string> Create() => CliChoice.Create(
        "--engine",
        "Declare the policy engine where it cannot be detected (manifests, an engine without its usual DaemonSet). Reported as declared, not detected.",
        PolicyEngines.DeclarableNames,
        null);

    /// <summary>The declared engine, lower-cased, or null when the option was not given.</summary>
    public static string? Value(ParseResult parseResult, Option<string> option) =>
        parseResult.GetValue(option) is { Length: > 0 } name ? name.Trim().ToLowerInvariant() : null;
}
