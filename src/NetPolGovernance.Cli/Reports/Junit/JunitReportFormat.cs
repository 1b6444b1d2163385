using System.Globalization;
using System.Text;
using System.Xml;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports.Junit;

/// <summary><c>--format junit</c>: JUnit XML for CI test views (GitLab, Jenkins, Azure DevOps, GitHub test reporters).</summary>
internal sealed class JunitReportFormat : IReportFormat
{
    public string Name => "junit";

    public IReadOnlyList<string> FileExtensions { get; } = [".xml"];

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new JunitReportWriter(target.Stream);
    }
}

/// <summary>
/// Streams <c>&lt;testsuites&gt;</c> with one <c>&lt;testsuite&gt;</c> per cluster and one <c>&lt;testcase&gt;</c> per
/// namespace and check (class name <c>cluster.namespace</c>; a cluster-wide check's class name is the cluster). A Fail
/// is a <c>&lt;failure&gt;</c> (its type says whether the profile counts it: <c>gate</c>, or <c>info</c>), an Unknown
/// an <c>&lt;error&gt;</c> (the check could not be judged: never shown as passed), Exempt and NotApplicable
/// <c>&lt;skipped&gt;</c> with the reason; Pass is a plain test case. A cluster that was not read (Unknown) is one test
/// case with an <c>&lt;error&gt;</c>, a Skipped one a test case with <c>&lt;skipped&gt;</c>. Each suite carries its own
/// counts; the root carries none, since clusters are written as they come (docs/report.md, "JUnit").
/// </summary>
internal sealed class JunitReportWriter : IReportWriter
{
    private readonly Stream _stream;
    private readonly XmlWriter _writer;

    public JunitReportWriter(Stream stream)
    {
        _stream = stream;
        _writer = XmlWriter.Create(stream, new XmlWriterSettings
        {
            Async = true,
            Indent = true,
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            CloseOutput = false,
        });
    }

    public async Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        await _writer.WriteStartDocumentAsync().ConfigureAwait(false);
        await _writer.WriteStartElementAsync(null, "testsuites", null).ConfigureAwait(false);
        await _writer.WriteAttributeStringAsync(null, "name", null, $"netpolgov scan {header.Scan.Profile.ToString().ToLowerInvariant()} {header.Scan.ScanId}").ConfigureAwait(false);
        await _writer.WriteAttributeStringAsync(null, "timestamp", null, Timestamp(header.Scan.StartedAt)).ConfigureAwait(false);
    }

    public async Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        cancellationToken.ThrowIfCancellationRequested();
        var name = cluster.Cluster.Name;
        var cases = new List<(string ClassName, Finding Finding)>();
        cases.AddRange(cluster.ClusterFindings.Select(f => (name, f)));
        foreach (var ns in cluster.Namespaces)
        {
            cases.AddRange(ns.Findings.Select(f => ($"{name}.{ns.Name}", f)));
        }

        var notRead = cluster.Status is not ClusterScanStatus.Scanned;
        await _writer.WriteStartElementAsync(null, "testsuite", null).ConfigureAwait(false);
        await Attribute("name", name).ConfigureAwait(false);
        await Attribute("tests", Count(cases.Count + (notRead ? 1 : 0))).ConfigureAwait(false);
        await Attribute("failures", Count(cases.Count(c => c.Finding.Result is CheckResult.Fail))).ConfigureAwait(false);
        await Attribute("errors", Count(cases.Count(c => c.Finding.Result is CheckResult.Unknown) + (cluster.Status is ClusterScanStatus.Unknown ? 1 : 0))).ConfigureAwait(false);
        await Attribute("skipped", Count(cases.Count(c => c.Finding.Result is CheckResult.Exempt or CheckResult.NotApplicable) + (cluster.Status is ClusterScanStatus.Skipped ? 1 : 0))).ConfigureAwait(false);
        await Attribute("time", (cluster.Stats.DurationMs / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await _writer.WriteStartElementAsync(null, "properties", null).ConfigureAwait(false);
        await Property("status", cluster.Status.ToString()).ConfigureAwait(false);
        await Property("engine", cluster.Engine.Describe()).ConfigureAwait(false);
        if (cluster.Cluster.SubscriptionId is { } subscription)
        {
            await Property("subscription", subscription).ConfigureAwait(false);
        }

        await _writer.WriteEndElementAsync().ConfigureAwait(false);
        if (notRead)
        {
            await _writer.WriteStartElementAsync(null, "testcase", null).ConfigureAwait(false);
            await Attribute("classname", name).ConfigureAwait(false);
            await Attribute("name", "cluster read").ConfigureAwait(false);
            var reason = cluster.StatusReason ?? "no reason given";
            await Outcome(cluster.Status is ClusterScanStatus.Unknown ? "error" : "skipped", $"{cluster.Status}: {reason}", cluster.Status.ToString(), null).ConfigureAwait(false);
            await _writer.WriteEndElementAsync().ConfigureAwait(false);
        }

        foreach (var (className, finding) in cases)
        {
            await WriteCaseAsync(className, finding).ConfigureAwait(false);
        }

        await _writer.WriteEndElementAsync().ConfigureAwait(false);
        await _writer.FlushAsync().ConfigureAwait(false);
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        await _writer.WriteEndElementAsync().ConfigureAwait(false);
        await _writer.WriteEndDocumentAsync().ConfigureAwait(false);
        await _writer.FlushAsync().ConfigureAwait(false);
        await _stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WriteCaseAsync(string className, Finding finding)
    {
        await _writer.WriteStartElementAsync(null, "testcase", null).ConfigureAwait(false);
        await Attribute("classname", className).ConfigureAwait(false);
        await Attribute("name", $"{finding.CheckId} {finding.Title}").ConfigureAwait(false);
        if (finding.Location is { } location)
        {
            await Attribute("file", location.File).ConfigureAwait(false);
            await Attribute("line", Count(location.Line)).ConfigureAwait(false);
        }

        switch (finding.Result)
        {
            case CheckResult.Fail:
                var details = finding.Remediation.Length > 0 ? $"{finding.Message}\n\nRemediation: {finding.Remediation}" : finding.Message;
                await Outcome("failure", $"{finding.Severity}: {finding.Message}", finding.InProfile ? "gate" : "info", details).ConfigureAwait(false);
                break;
            case CheckResult.Unknown:
                await Outcome("error", $"Unknown: {finding.Message}", "Unknown", null).ConfigureAwait(false);
                break;
            case CheckResult.Exempt:
                var exemption = string.Join(", ", new[] { finding.ExemptionOwner, finding.ExemptionExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) is { } d ? $"expires {d}" : null }.OfType<string>());
                await Outcome("skipped", $"Exempt: {finding.ExemptionReason ?? finding.Message}{(exemption.Length > 0 ? $" ({exemption})" : string.Empty)}", null, null).ConfigureAwait(false);
                break;
            case CheckResult.NotApplicable:
                await Outcome("skipped", $"NotApplicable: {finding.Message}", null, null).ConfigureAwait(false);
                break;
        }

        await _writer.WriteEndElementAsync().ConfigureAwait(false);
    }

    private async Task Outcome(string element, string message, string? type, string? text)
    {
        await _writer.WriteStartElementAsync(null, element, null).ConfigureAwait(false);
        await Attribute("message", message).ConfigureAwait(false);
        if (type is not null)
        {
            await Attribute("type", type).ConfigureAwait(false);
        }

        if (text is not null)
        {
            await _writer.WriteStringAsync(XmlText(text)).ConfigureAwait(false);
        }

        await _writer.WriteEndElementAsync().ConfigureAwait(false);
    }

    private async Task Property(string name, string value)
    {
        await _writer.WriteStartElementAsync(null, "property", null).ConfigureAwait(false);
        await Attribute("name", name).ConfigureAwait(false);
        await Attribute("value", value).ConfigureAwait(false);
        await _writer.WriteEndElementAsync().ConfigureAwait(false);
    }

    private Task Attribute(string name, string value) => _writer.WriteAttributeStringAsync(null, name, null, XmlText(value));

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Text XML 1.0 can hold: characters it forbids (control characters from a cluster's data) become U+FFFD.</summary>
    private static string XmlText(string value)
    {
        if (value.All(XmlConvert.IsXmlChar))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (XmlConvert.IsXmlChar(value[i]))
            {
                builder.Append(value[i]);
            }
            else if (i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i]))
            {
                builder.Append(value[i]).Append(value[i + 1]);
                i++;
            }
            else
            {
                builder.Append('\uFFFD');
            }
        }

        return builder.ToString();
    }
}
