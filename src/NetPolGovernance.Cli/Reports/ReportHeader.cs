using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Cli.Reports;

/// <summary>What a report says before any cluster: which scan, which profile, which gate.</summary>
/// <param name="Scan">Scan id, start time, scanner version, profile.</param>
/// <param name="Source">The scan source, e.g. <c>manifests</c>.</param>
/// <param name="FailOn">The <c>--fail-on</c> threshold, when given.</param>
internal sealed record ReportHeader(ScanContext Scan, string Source, Severity? FailOn);
