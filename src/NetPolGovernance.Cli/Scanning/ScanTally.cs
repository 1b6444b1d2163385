using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Reports;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// Counts a streaming scan (constant memory) and decides its exit code:
/// <list type="bullet">
/// <item><see cref="ExitCodes.Incomplete"/> when a cluster or a namespace is Unknown (precedence over noncompliance:
/// a scan that could not see everything cannot vouch for anything, as Unknown comes first in namespace status);</item>
/// <item><see cref="ExitCodes.NonCompliant"/> when a namespace is NonCompliant or Unenforced, or a cluster check of the
/// profile fails; with <c>--fail-on SEVERITY</c> instead, when any failing (not exempt) finding reaches that severity;</item>
/// <item>otherwise <see cref="ExitCodes.Compliant"/>. Skipped clusters (deliberately not read) do not change the verdict.</item>
/// </list>
/// </summary>
internal sealed class ScanTally
{
    private readonly Severity? _failOn;
    private readonly Dictionary<NamespaceStatus, int> _namespacesByStatus = [];
    private readonly Dictionary<Severity, int> _failingBySeverity = [];
    private int _clusters;
    private int _scanned;
    private int _unknown;
    private int _skipped;
    private int _namespaces;
    private bool _incomplete;
    private bool _nonCompliant;

    public ScanTally(Severity? failOn)
    {
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
            if (_failOn is null && finding.Result == CheckResult.Fail && finding.InProfile)
            {
                _nonCompliant = true;
            }
        }

        foreach (var ns in cluster.Namespaces)
        {
            _namespaces++;
            _namespacesByStatus[ns.Status] = _namespacesByStatus.GetValueOrDefault(ns.Status) + 1;
            if (ns.Status == NamespaceStatus.Unknown && cluster.Status == ClusterScanStatus.Scanned)
            {
                _incomplete = true;
            }

            if (_failOn is null && ns.Status is NamespaceStatus.NonCompliant or NamespaceStatus.Unenforced)
            {
                _nonCompliant = true;
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
        var (exitCode, result) = sinkOutcomes.Any(o => !o.Succeeded) ? (ExitCodes.PublishFailed, "publish-failed")
            : _incomplete ? (ExitCodes.Incomplete, "incomplete")
            : _nonCompliant ? (ExitCodes.NonCompliant, "noncompliant")
            : (ExitCodes.Compliant, "compliant");
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
            ExitCode = exitCode,
            SinkMessages = sinkOutcomes.Select(o => o.Message).ToList(),
        };
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
            _nonCompliant = true;
        }
    }
}
