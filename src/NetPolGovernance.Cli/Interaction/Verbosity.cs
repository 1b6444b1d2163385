namespace NetPolGovernance.Cli.Interaction;

/// <summary>How much the CLI says on stderr besides errors (<c>--quiet</c>, <c>--verbose</c>).</summary>
internal enum Verbosity
{
    /// <summary><c>--quiet</c>: errors only; no progress, status lines or warnings.</summary>
    Quiet,

    /// <summary>Progress, the closing summary line, warnings and errors.</summary>
    Normal,

    /// <summary><c>--verbose</c>: also one line per finished cluster and the informational log (retries, call counts).</summary>
    Verbose,
}
