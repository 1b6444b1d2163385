using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>Counts over the whole scan and its verdict (the exit code).</summary>
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

    /// <summary><c>compliant</c>, <c>noncompliant</c>, <c>incomplete</c> or <c>publish-failed</c>.</summary>
    public required string Result { get; init; }

    public required int ExitCode { get; init; }

    /// <summary>Messages from sinks (publishing), in order.</summary>
    public IReadOnlyList<string> SinkMessages { get; init; } = [];
}
