using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Scanning;

namespace NetPolGovernance.Cli.Reports.Sarif;

/// <summary><c>--format sarif</c>: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps), findings located in manifest files.</summary>
internal sealed class SarifReportFormat : IReportFormat
{
    public string Name => "sarif";

    public IReadOnlyList<string> FileExtensions { get; } = [".sarif"];

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new SarifReportWriter(target.Stream, target.Locations, Environment.CurrentDirectory);
    }
}

/// <summary>
/// Streams one SARIF run. Failing findings become results; exempt findings become results with an external suppression
/// (so code scanning shows them as dismissed, with the exemption's reason). Pass, NotApplicable and Unknown are not
/// results. Every result has a location: a finding without its own points at its namespace's manifest (or the cluster's
/// first manifest); from a live cluster, where there is no file, at its logical artifact (<see cref="LogicalArtifact"/>).
/// Rules are collected as findings stream and written after the results (property order is free in SARIF).
/// </summary>
internal sealed class SarifReportWriter : IReportWriter
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;
    private readonly ISourceLocationLookup? _locations;
    private readonly string _baseDirectory;
    private readonly SortedDictionary<string, Finding> _rules = new(StringComparer.Ordinal);
    private string _version = "0.0.0";

    public SarifReportWriter(Stream stream, ISourceLocationLookup? locations, string baseDirectory)
    {
        _stream = stream;
        _locations = locations;
        _baseDirectory = baseDirectory;
        _writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
    }

    public async Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        _version = header.Scan.ScannerVersion;
        _writer.WriteStartObject();
        _writer.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        _writer.WriteString("version", "2.1.0");
        _writer.WriteStartArray("runs");
        _writer.WriteStartObject();
        _writer.WriteStartObject("automationDetails");
        _writer.WriteString("id", $"netpolgov/{header.Scan.Profile.ToString().ToLowerInvariant()}/{header.Scan.ScanId}");
        _writer.WriteEndObject();
        _writer.WriteStartArray("results");
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        foreach (var finding in cluster.ClusterFindings)
        {
            WriteResult(cluster.Cluster.Name, finding);
        }

        foreach (var ns in cluster.Namespaces)
        {
            foreach (var finding in ns.Findings)
            {
                WriteResult(cluster.Cluster.Name, finding.Namespace is null ? finding with { Namespace = ns.Name } : finding);
            }
        }

        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _writer.WriteEndArray();
        WriteTool();
        _writer.WriteStartArray("invocations");
        _writer.WriteStartObject();
        _writer.WriteBoolean("executionSuccessful", summary.ExitCode is not ExitCodes.Incomplete and not ExitCodes.PublishFailed);
        _writer.WriteNumber("exitCode", summary.ExitCode);
        _writer.WriteString("exitCodeDescription", $"result {summary.Result}; gate {summary.Gate.Name} {summary.Gate.OutcomeName}: {summary.Gate.Reason}");
        _writer.WriteStartObject("properties");
        _writer.WriteString("result", summary.Result);
        _writer.WriteStartObject("gate");
        _writer.WriteString("kind", summary.Gate.Kind);
        _writer.WriteString("threshold", summary.Gate.Threshold);
        _writer.WriteString("outcome", summary.Gate.OutcomeName);
        _writer.WriteString("reason", summary.Gate.Reason);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private void WriteResult(string cluster, Finding finding)
    {
        if (finding.Result is not (CheckResult.Fail or CheckResult.Exempt))
        {
            return;
        }

        _rules.TryAdd(finding.CheckId, finding);
        var subject = finding.Namespace is null ? cluster : $"{cluster}/{finding.Namespace}";
        _writer.WriteStartObject();
        _writer.WriteString("ruleId", finding.CheckId);
        _writer.WriteString("level", SarifConventions.Level(finding.Severity));
        _writer.WriteStartObject("message");
        _writer.WriteString("text", $"{subject}: {finding.Message}");
        _writer.WriteEndObject();

        var location = finding.Location
            ?? (finding.Namespace is { } ns ? _locations?.ForNamespace(cluster, ns) : null)
            ?? _locations?.ForCluster(cluster);
        var logical = LogicalArtifact.For(cluster, finding);
        _writer.WriteStartArray("locations");
        _writer.WriteStartObject();
        _writer.WriteStartObject("physicalLocation");
        _writer.WriteStartObject("artifactLocation");
        _writer.WriteString("uri", location is null ? logical.Uri : ArtifactUri(location.File));
        _writer.WriteEndObject();
        _writer.WriteStartObject("region");
        _writer.WriteNumber("startLine", Math.Max(1, location?.Line ?? 1));
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteStartArray("logicalLocations");
        _writer.WriteStartObject();
        _writer.WriteString("name", logical.Name);
        _writer.WriteString("fullyQualifiedName", logical.Uri);
        _writer.WriteString("kind", logical.Kind);
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.WriteEndArray();

        _writer.WriteStartObject("partialFingerprints");
        _writer.WriteString("netpolgovFinding/v1", $"{cluster}|{finding.Namespace}|{finding.CheckId}");
        _writer.WriteEndObject();

        if (finding.Result == CheckResult.Exempt)
        {
            _writer.WriteStartArray("suppressions");
            _writer.WriteStartObject();
            _writer.WriteString("kind", "external");
            _writer.WriteString("justification", Justification(finding));
            _writer.WriteEndObject();
            _writer.WriteEndArray();
        }

        _writer.WriteStartObject("properties");
        _writer.WriteString("cluster", cluster);
        if (finding.Namespace is not null)
        {
            _writer.WriteString("namespace", finding.Namespace);
        }

        _writer.WriteString("severity", finding.Severity.ToString());
        _writer.WriteBoolean("inProfile", finding.InProfile);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    private void WriteTool()
    {
        _writer.WriteStartObject("tool");
        _writer.WriteStartObject("driver");
        _writer.WriteString("name", "netpolgov");
        _writer.WriteString("semanticVersion", _version);
        _writer.WriteString("informationUri", SarifConventions.InformationUri);
        _writer.WriteStartArray("rules");
        foreach (var (id, sample) in _rules)
        {
            _writer.WriteStartObject();
            _writer.WriteString("id", id);
            _writer.WriteString("name", RuleName(sample.Title));
            _writer.WriteStartObject("shortDescription");
            _writer.WriteString("text", sample.Title);
            _writer.WriteEndObject();
            if (sample.Remediation.Length > 0)
            {
                _writer.WriteStartObject("help");
                _writer.WriteString("text", sample.Remediation);
                _writer.WriteEndObject();
            }

            _writer.WriteStartObject("defaultConfiguration");
            _writer.WriteString("level", SarifConventions.Level(sample.Severity));
            _writer.WriteEndObject();
            _writer.WriteStartObject("properties");
            _writer.WriteString("security-severity", SarifConventions.SecuritySeverity(sample.Severity));
            _writer.WriteStartArray("tags");
            _writer.WriteStringValue("security");
            _writer.WriteStringValue("kubernetes");
            _writer.WriteStringValue("network-policy");
            _writer.WriteEndArray();
            if (sample.Benchmark.Length > 0)
            {
                _writer.WriteString("benchmark", sample.Benchmark);
            }

            _writer.WriteEndObject();
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    private string ArtifactUri(string file) => SarifConventions.ArtifactUri(file, _baseDirectory);

    private static string Justification(Finding finding)
    {
        var text = finding.ExemptionReason ?? "exempt";
        if (finding.ExemptionOwner is { } owner)
        {
            text += $" (owner: {owner})";
        }

        if (finding.ExemptionExpiresOn is { } expires)
        {
            text += $", expires {expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        }

        return text;
    }

    private static string RuleName(string title)
    {
        var words = title.Split([' ', '-', '/', ','], StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}

/// <summary>
/// The logical artifact a result is about (docs/report.md, SARIF): <c>cluster/&lt;cluster&gt;</c>,
/// <c>cluster/&lt;cluster&gt;/namespaces/&lt;ns&gt;</c>, or an object below either (<c>.../networkpolicies/&lt;name&gt;</c>,
/// <c>cluster/&lt;cluster&gt;/adminnetworkpolicies/&lt;name&gt;</c>) when the finding names one in its <c>objects</c> evidence.
/// Live clusters have no files, so this relative URI is the result's artifact; manifest results keep their file and
/// carry it as the logical location.
/// </summary>
internal sealed record LogicalArtifact(string Uri, string Name, string Kind)
{
    public static LogicalArtifact For(string cluster, Finding finding)
    {
        var uri = "cluster/" + Segment(cluster);
        var name = cluster;
        var kind = "module";
        if (finding.Namespace is { } ns)
        {
            uri += "/namespaces/" + Segment(ns);
            name = ns;
            kind = "namespace";
        }

        if (finding.Evidence.TryGetValue("objects", out var objects) && objects.Count > 0
            && objects[0].Split('/') is [var resource, var objectName])
        {
            uri += $"/{Segment(resource)}/{Segment(objectName)}";
            name = objectName;
            kind = "resource";
        }

        return new LogicalArtifact(uri, name, kind);
    }

    private static string Segment(string value) => System.Uri.EscapeDataString(value);
}
