using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Diff;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Reports.Sarif;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov diff --base PATH... --head PATH...</c>: the semantic delta between two manifest sets (docs/diff.md):
/// connections <c>opened</c> and <c>closed</c>, compliance changes per namespace, findings added and fixed, as a table,
/// JSON, Markdown (a pull-request comment) or SARIF (code scanning); or between two JSON scan reports. Exit 2 when the head opens a connection from outside the destination's
/// namespace; 0 otherwise; 1 for bad input.
/// </summary>
internal sealed class DiffCommand : BaseCommand
{
    private static readonly string[] s_formats = ["table", "json", "markdown", "sarif"];

    /// <summary>The largest scan report read (a 1,000-cluster JSON report is far below it).</summary>
    private const long MaxReportBytes = 512L * 1024 * 1024;

    private readonly IInteractionService _interaction;
    private readonly TimeProvider _time;
    private readonly Option<string[]> _base = Paths("--base", "Manifest files or folders of the base (e.g. the target branch).");
    private readonly Option<string[]> _head = Paths("--head", "Manifest files or folders of the head (e.g. the pull request).");
    private readonly Option<string?> _baseReport = new("--base-report") { Description = "A JSON scan report (scan --format json) of the base: compare compliance and findings, not connections.", HelpName = "FILE" };
    private readonly Option<string?> _headReport = new("--head-report") { Description = "A JSON scan report of the head, with --base-report.", HelpName = "FILE" };
    private readonly Option<string> _format = CliChoice.Create("--format", "Output format (sarif: for code scanning, only what the head changed).", s_formats, "table", "-f");

    public DiffCommand(IInteractionService interaction, TimeProvider time)
        : base("diff", "Show what a policy change does: connections opened and closed, compliance changes, findings added and fixed.")
    {
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(time);
        _interaction = interaction;
        _time = time;
        Options.Add(_base);
        Options.Add(_head);
        Options.Add(_baseReport);
        Options.Add(_headReport);
        Options.Add(_format);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var (report, gateFails, fallbackFile) = await ComputeAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var text = parseResult.GetValue(_format) switch
            {
                "json" => Json(report, gateFails),
                "markdown" => Markdown(report, gateFails),
                "sarif" => DiffSarifWriter.Write(report, fallbackFile, Environment.CurrentDirectory),
                _ => Table(report),
            };
            var stdout = _interaction.OpenStandardOutput();
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);

            return gateFails ? ExitCodes.NonCompliant : ExitCodes.Compliant;
        }
        catch (InputFileException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
    }

    /// <summary>The delta, whether the gate fails, and the file a SARIF result without a location points at.</summary>
    private async Task<(DiffReport Report, bool GateFails, string FallbackFile)> ComputeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var basePaths = parseResult.GetValue(_base) ?? [];
        var headPaths = parseResult.GetValue(_head) ?? [];
        var baseReport = parseResult.GetValue(_baseReport);
        var headReport = parseResult.GetValue(_headReport);
        if (baseReport is not null || headReport is not null)
        {
            if (basePaths.Length > 0 || headPaths.Length > 0)
            {
                throw new ScanInputException("give manifests (--base/--head) or reports (--base-report/--head-report), not both");
            }

            if (baseReport is null || headReport is null)
            {
                throw new ScanInputException("give --base-report FILE and --head-report FILE");
            }

            using var before = await ReadReportAsync(baseReport, cancellationToken).ConfigureAwait(false);
            using var after = await ReadReportAsync(headReport, cancellationToken).ConfigureAwait(false);
            var result = ReportDiff.Compute(before, baseReport, after, headReport);
            foreach (var note in result.Notes)
            {
                _interaction.DisplayWarning(note);
            }

            return (result.Report, ReportDiff.Regresses(result.Report), headReport);
        }

        if (basePaths.Length == 0 || headPaths.Length == 0)
        {
            throw new ScanInputException(basePaths.Length == 0 && headPaths.Length == 0
                ? "give --base PATH... and --head PATH... (manifests), or --base-report FILE and --head-report FILE"
                : "give both --base PATH... and --head PATH...");
        }

        var name = ManifestLoader.DefaultClusterName(headPaths);
        var baseLoaded = await ManifestLoader.LoadAsync(basePaths, new ClusterIdentity { Name = name }, cancellationToken).ConfigureAwait(false);
        var headLoaded = await ManifestLoader.LoadAsync(headPaths, new ClusterIdentity { Name = name }, cancellationToken).ConfigureAwait(false);
        ManifestsScanSource.ShowSkipped(_interaction, baseLoaded);
        ManifestsScanSource.ShowSkipped(_interaction, headLoaded);
        var (baseSnapshot, headSnapshot) = (baseLoaded.Snapshot, headLoaded.Snapshot);
        var report = PolicyDiff.Compute(baseSnapshot, headSnapshot, new AnalysisOptions { Now = _time.GetUtcNow() });
        return (report, PolicyDiff.OpensBeyondNamespace(report), headPaths[0]);
    }

    private static async Task<JsonDocument> ReadReportAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw new ScanInputException($"{file}: no such report file");
            }

            if (info.Length > MaxReportBytes)
            {
                throw new ScanInputException($"{file}: the report is larger than {MaxReportBytes / (1024 * 1024)} MiB; refusing it");
            }

            await using var stream = File.OpenRead(file);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ScanInputException($"{file}: cannot read the report: {ex.Message}", ex);
        }
    }

    private static Option<string[]> Paths(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private static string Table(DiffReport report)
    {
        var text = new StringBuilder();
        Connections(text, "Opened", report.Opened, "  ");
        Connections(text, "Closed", report.Closed, "  ");
        text.Append(CultureInfo.InvariantCulture, $"Compliance changes: {report.ComplianceChanges.Count}\n");
        foreach (var change in report.ComplianceChanges)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {change.Namespace}: {change.Before} -> {change.After}\n");
        }

        Findings(text, "Findings added", report.FindingsAdded, "  ");
        Findings(text, "Findings fixed", report.FindingsFixed, "  ");
        return text.ToString();
    }

    private static void Connections(StringBuilder text, string title, IReadOnlyList<DiffConnection> connections, string indent)
    {
        text.Append(CultureInfo.InvariantCulture, $"{title}: {connections.Count}\n");
        foreach (var c in connections)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}{Clean(c.From)} -> {Clean(c.To)} {c.Traffic}\n");
        }
    }

    private static void Findings(StringBuilder text, string title, IReadOnlyList<DiffFinding> findings, string indent)
    {
        text.Append(CultureInfo.InvariantCulture, $"{title}: {findings.Count}\n");
        foreach (var f in findings)
        {
            text.Append(CultureInfo.InvariantCulture, $"{indent}{f.CheckId} {f.Severity} {Clean(f.Namespace ?? "(cluster)")}: {f.Title}\n");
        }
    }

    private static string Markdown(DiffReport report, bool gateFails)
    {
        var text = new StringBuilder();
        text.Append("### netpolgov diff\n\n");
        text.Append(CultureInfo.InvariantCulture, $"**{report.Opened.Count} opened**, **{report.Closed.Count} closed**, {report.ComplianceChanges.Count} compliance changes, {report.FindingsAdded.Count} findings added, {report.FindingsFixed.Count} fixed.\n\n");
        if (gateFails)
        {
            text.Append(report.Opened.Count > 0
                ? "> :warning: The head opens connections from outside the destination's namespace.\n\n"
                : "> :warning: The head makes a compliant namespace noncompliant.\n\n");
        }

        MarkdownConnections(text, "Opened", report.Opened);
        MarkdownConnections(text, "Closed", report.Closed);
        if (report.ComplianceChanges.Count > 0)
        {
            text.Append("| Namespace | Before | After |\n|---|---|---|\n");
            foreach (var change in report.ComplianceChanges)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {Cell(change.Namespace)} | {change.Before} | {change.After} |\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static void MarkdownConnections(StringBuilder text, string title, IReadOnlyList<DiffConnection> connections)
    {
        if (connections.Count == 0)
        {
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"#### {title}\n\n| From | To | Traffic |\n|---|---|---|\n");
        foreach (var c in connections.Take(200))
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{Cell(c.From)}` | `{Cell(c.To)}` | {Cell(c.Traffic)} |\n");
        }

        if (connections.Count > 200)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{connections.Count - 200} more not shown (use --format json).\n");
        }

        text.Append('\n');
    }

    private static string Cell(string value) => Clean(value).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Clean(string value) => TerminalText.Escape(value);

    private static string Json(DiffReport report, bool gateFails)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            JsonConnections(writer, "opened", report.Opened);
            JsonConnections(writer, "closed", report.Closed);
            writer.WriteStartArray("complianceChanges");
            foreach (var change in report.ComplianceChanges)
            {
                writer.WriteStartObject();
                writer.WriteString("namespace", change.Namespace);
                writer.WriteString("before", change.Before.ToString());
                writer.WriteString("after", change.After.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            JsonFindings(writer, "findingsAdded", report.FindingsAdded);
            JsonFindings(writer, "findingsFixed", report.FindingsFixed);
            writer.WriteBoolean("opensBeyondNamespace", PolicyDiff.OpensBeyondNamespace(report));
            writer.WriteBoolean("gateFails", gateFails);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void JsonConnections(Utf8JsonWriter writer, string name, IReadOnlyList<DiffConnection> connections)
    {
        writer.WriteStartArray(name);
        foreach (var c in connections)
        {
            writer.WriteStartObject();
            writer.WriteString("from", c.From);
            writer.WriteString("to", c.To);
            writer.WriteString("traffic", c.Traffic);
            if (c.Before is { } before)
            {
                writer.WriteString("before", before);
            }

            if (c.After is { } after)
            {
                writer.WriteString("after", after);
            }

            if (c.Location is { } location)
            {
                writer.WriteStartObject("location");
                writer.WriteString("file", location.File);
                writer.WriteNumber("line", location.Line);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void JsonFindings(Utf8JsonWriter writer, string name, IReadOnlyList<DiffFinding> findings)
    {
        writer.WriteStartArray(name);
        foreach (var f in findings)
        {
            writer.WriteStartObject();
            writer.WriteString("checkId", f.CheckId);
            if (f.Namespace is { } ns)
            {
                writer.WriteString("namespace", ns);
            }

            writer.WriteString("severity", f.Severity.ToString());
            writer.WriteString("title", f.Title);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
