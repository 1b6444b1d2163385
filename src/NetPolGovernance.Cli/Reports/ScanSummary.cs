using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>Counts over the whole scan, its compliance verdict, the gate's outcome and the exit code.</summary>
internal sealed record ScanSummary
{
    public int Clusters { get; init; }

    public int ClustersScanned { get; init; }

    public int ClustersUnknown { get; init; }

    public int ClustersSkipped { get; init; }

    public int Namespaces { get; init; }

    public IReadOnlyDictionary<NamespaceStatus, int> NamespacesByStatus { get; init; } = new Dictionary<NamespaceStatus, int>();

    /// <summary>Failing (not exempt) findings per severity.</summary>
    public IReadOnlyDictionary<Severity, int> FailingFindingsBySeverity { get; init; } = new Dictionary<Severity, int>();

    /// <summary>
    /// The compliance verdict, from namespace statuses and the profile's cluster checks whatever the gate:
    /// <c>compliant</c>, <c>noncompliant</c> or <c>incomplete</c>.
    /// </summary>
    public required string Result { get; init; }

    /// <summary>The gate (the profile, or <c>--fail-on</c>) and its outcome; the exit code follows it.</summary>
    public required ScanGate Gate { get; init; }

    public required int ExitCode { get; init; }

    /// <summary>Messages from sinks (publishing), in order.</summary>
    public IReadOnlyList<string> SinkMessages { get; init; } = [];
}

/// <summary>What a gate concluded.</summary>
internal enum GateOutcome
{
    Passed,
    Failed,

    /// <summary>Nothing fails the gate, but something could not be read, so it cannot pass.</summary>
    Incomplete,
}

/// <summary>
/// The gate of a scan: <see cref="Kind"/> <c>profile</c> (fails on a noncompliant result) or <c>fail-on</c> (fails on a
/// failing finding at <see cref="Threshold"/> or above); <see cref="Threshold"/> is the profile or severity name.
/// </summary>
internal sealed record ScanGate(string Kind, string Threshold, GateOutcome Outcome, string Reason)
{
    public const string ProfileKind = "profile";

    public const string FailOnKind = "fail-on";

    /// <summary><c>passed</c>, <c>failed</c> or <c>incomplete</c>.</summary>
    public string OutcomeName => Outcome.ToString().ToLowerInvariant();

    /// <summary>e.g. <c>profile baseline</c>, <c>fail-on critical</c>.</summary>
    public string Name => $"{Kind} {Threshold}";
}
