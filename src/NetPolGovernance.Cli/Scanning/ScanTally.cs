using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Reports;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// Counts a streaming scan (constant memory) and reaches two separate verdicts (docs/report.md):
/// <list type="bullet">
/// <item>the compliance <c>result</c>, which is what the namespaces and clusters say whatever the gate:
/// <c>incomplete</c> when a cluster or a namespace is Unknown (a scan that could not see everything cannot vouch for
/// anything), else <c>noncompliant</c> when a namespace is NonCompliant or Unenforced or a cluster check of the
/// profile fails, else <c>compliant</c>;</item>
/// <item>the <c>gate</c>: the profile gate (fails on a noncompliant result) or, with <c>--fail-on SEVERITY</c>
/// instead, a gate that fails when any failing (not exempt) finding reaches that severity. Its outcome is
/// <c>failed</c>, <c>incomplete</c> (nothing fails, but something could not be read) or <c>passed</c>, with why.</item>
/// </list>
/// The exit code follows the gate: <see cref="ExitCodes.PublishFailed"/> when publishing failed, else
/// <see cref="ExitCodes.Incomplete"/> when the result is incomplete, else <see cref="ExitCodes.NonCompliant"/> when the
/// gate failed, else <see cref="ExitCodes.Compliant"/>. Skipped clusters (deliberately not read) change neither verdict.
/// </summary>
internal sealed class ScanTally
{
    private readonly ComplianceProfile _profile;
    private readonly Severity? _failOn;
    private readonly Dictionary<NamespaceStatus, int> _namespacesByStatus = [];
    private readonly Dictionary<Severity, int> _failingBySeverity = [];
    private int _clusters;
    private int _scanned;
    private int _unknown;
    private int _skipped;
    private int _namespaces;
    private int _unknownNamespaces;
    private int _failingClusterChecks;
    private int _atThreshold;
    private bool _incomplete;

    public ScanTally(ComplianceProfile profile, Severity? failOn)
    {
        _profile = profile;
        _failOn = failOn;
    }

    public void Add(ClusterAssessment cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _clusters++;
        switch (cluster.Status)
        {
            case ClusterScanStatus.Scanned:
                _scanned++;
                break;
            case ClusterScanStatus.Unknown:
                _unknown++;
                _incomplete = true;
                break;
            default:
                _skipped++;
                break;
        }

        foreach (var finding in cluster.ClusterFindings)
        {
            Count(finding);
            if (finding.Result == CheckResult.Fail && finding.InProfile)
            {
                _failingClusterChecks++;
            }
        }

        foreach (var ns in cluster.Namespaces)
        {
            _namespaces++;
            _namespacesByStatus[ns.Status] = _namespacesByStatus.GetValueOrDefault(ns.Status) + 1;
            if (ns.Status == NamespaceStatus.Unknown && cluster.Status == ClusterScanStatus.Scanned)
            {
                _unknownNamespaces++;
                _incomplete = true;
            }

            foreach (var finding in ns.Findings)
            {
                Count(finding);
            }
        }
    }

    public ScanSummary Summarize(IReadOnlyList<SinkOutcome> sinkOutcomes)
    {
        ArgumentNullException.ThrowIfNull(sinkOutcomes);
        var failingNamespaces = _namespacesByStatus.GetValueOrDefault(NamespaceStatus.NonCompliant) + _namespacesByStatus.GetValueOrDefault(NamespaceStatus.Unenforced);
        var nonCompliant = failingNamespaces > 0 || _failingClusterChecks > 0;
        var result = _incomplete ? "incomplete" : nonCompliant ? "noncompliant" : "compliant";
        var gate = Gate(nonCompliant, failingNamespaces);
        var exitCode = sinkOutcomes.Any(o => !o.Succeeded) ? ExitCodes.PublishFailed
            : _incomplete ? ExitCodes.Incomplete
            : gate.Outcome == GateOutcome.Failed ? ExitCodes.NonCompliant
            : ExitCodes.Compliant;
        return new ScanSummary
        {
            Clusters = _clusters,
            ClustersScanned = _scanned,
            ClustersUnknown = _unknown,
            ClustersSkipped = _skipped,
            Namespaces = _namespaces,
            NamespacesByStatus = new Dictionary<NamespaceStatus, int>(_namespacesByStatus),
            FailingFindingsBySeverity = new Dictionary<Severity, int>(_failingBySeverity),
            Result = result,
            Gate = gate,
            ExitCode = exitCode,
            SinkMessages = sinkOutcomes.Select(o => o.Message).ToList(),
        };
    }

    private ScanGate Gate(bool nonCompliant, int failingNamespaces)
    {
        var unread = _incomplete
            ? FormattableString.Invariant($"{_unknown} cluster(s) and {_unknownNamespaces} namespace(s) Unknown: the scan cannot vouch for them")
            : null;
        if (_failOn is { } threshold)
        {
            var name = threshold.ToString().ToLowerInvariant();
            return _atThreshold > 0
                ? new ScanGate(ScanGate.FailOnKind, name, GateOutcome.Failed, FormattableString.Invariant($"{_atThreshold} failing finding(s) at {name} or above"))
                : new ScanGate(ScanGate.FailOnKind, name, unread is null ? GateOutcome.Passed : GateOutcome.Incomplete, unread ?? $"no failing finding at {name} or above");
        }

        var profile = _profile.ToString().ToLowerInvariant();
        return nonCompliant
            ? new ScanGate(ScanGate.ProfileKind, profile, GateOutcome.Failed, FormattableString.Invariant($"{failingNamespaces} namespace(s) NonCompliant or Unenforced, {_failingClusterChecks} cluster check(s) of the profile failing"))
            : new ScanGate(ScanGate.ProfileKind, profile, unread is null ? GateOutcome.Passed : GateOutcome.Incomplete, unread ?? "no namespace NonCompliant or Unenforced and no cluster check of the profile failing");
    }

    private void Count(Finding finding)
    {
        if (finding.Result != CheckResult.Fail)
        {
            return;
        }

        _failingBySeverity[finding.Severity] = _failingBySeverity.GetValueOrDefault(finding.Severity) + 1;
        if (_failOn is { } threshold && finding.Severity >= threshold)
        {
            _atThreshold++;
        }
    }
}
