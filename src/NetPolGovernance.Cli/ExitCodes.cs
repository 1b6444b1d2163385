namespace NetPolGovernance.Cli;

/// <summary>
/// The exit-code contract of <c>netpolgov</c> (README "Exit codes", docs/report.md). Commands return one of these,
/// never a bare integer. When several apply, the highest-precedence one wins:
/// <see cref="UsageError"/> (nothing was scanned) → <see cref="PublishFailed"/> → <see cref="Incomplete"/> →
/// <see cref="NonCompliant"/> → <see cref="Compliant"/>.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Every cluster was read and the gate passed (the compliance result may still be noncompliant under <c>--fail-on</c>).</summary>
    public const int Compliant = 0;

    /// <summary>Bad command line or bad input (missing path, malformed manifest or exemptions file).</summary>
    public const int UsageError = 1;

    /// <summary>
    /// The gate failed: without <c>--fail-on</c>, a namespace is NonCompliant or Unenforced or a cluster check of the
    /// profile fails; with it, a failing finding reaches that severity. <c>remediate</c>: a plan failed verification.
    /// </summary>
    public const int NonCompliant = 2;

    /// <summary>At least one cluster (or namespace) is Unknown: the scan cannot vouch for everything.</summary>
    public const int Incomplete = 3;

    /// <summary>Publishing was requested and did not fully succeed.</summary>
    public const int PublishFailed = 4;

    /// <summary>Stopped by Ctrl+C (SIGINT): 128 + 2, the shell convention. What was kept is printed on stderr.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15. What was kept is printed on stderr.</summary>
    public const int Terminated = 143;
}
