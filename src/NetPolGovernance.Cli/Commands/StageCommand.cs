using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Remediation;
using NetPolGovernance.Cli.Reports.Html;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov stage</c>: replays observed flows (<c>--flows FILE...</c>, Hubble JSON lines; or
/// <c>--flows-from-workspace [ID]</c>, the <c>ContainerNetworkLogs</c> of the last <c>--since</c>) through the cluster's
/// current policy set and through the set with <c>--proposed PATH...</c> applied, before anything is enforced
/// (docs/flows.md). Reports <c>wouldDrop</c> (forwarded today, denied by the proposal), <c>wouldOpen</c> (denied today,
/// allowed by it) and <c>unverifiable</c> (unknown answers, ends not in the snapshot, changed workloads never
/// observed). Exit 2 when anything would drop, else 3 when anything is unverifiable, else 0; 1 for bad input.
/// </summary>
internal sealed class StageCommand : BaseCommand
{
    private static readonly string[] s_formats = ["table", "json", "html"];

    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly TimeProvider _time;
    private readonly FlowInputOptions _flowInput;
    private readonly Option<string[]> _proposed = new("--proposed")
    {
        Description = "Manifest files or folders with the proposed policies; each replaces the object of the same kind, namespace and name, or is added.",
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _format = CliChoice.Create("--format", "Output format (html: one self-contained page for a change review).", s_formats, "table", "-f");

    public StageCommand(IEnumerable<IScanSource> sources, IInteractionService interaction, IFlowQueryClientFactory queryClients, TimeProvider time)
        : base("stage", "Replay observed flows through the current and a proposed policy set: what would drop, what would open.")
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(queryClients);
        ArgumentNullException.ThrowIfNull(time);
        _sources = sources.ToList();
        _interaction = interaction;
        _time = time;
        _flowInput = new FlowInputOptions(queryClients);
        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        Options.Add(_proposed);
        _flowInput.AddTo(this);
        Options.Add(_format);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var proposedPaths = parseResult.GetValue(_proposed) is { Length: > 0 } p ? p : throw new ScanInputException("give --proposed PATH... (the policies to stage)");
            if (!_flowInput.Given(parseResult))
            {
                throw new ScanInputException("give --flows FILE... (Hubble JSON lines) or --flows-from-workspace [WORKSPACE_ID]");
            }

            var aggregator = new FlowAggregator();
            await _flowInput.ReadFilesAsync(parseResult, aggregator, _interaction, cancellationToken).ConfigureAwait(false);
            // The workspace flows are read while the source is open, through its own query client when it has one.
            var current = await SingleClusterLoader.LoadAsync(
                _sources,
                parseResult,
                kubeconfigNamesTarget: false,
                (snapshot, queries, ct) => _flowInput.ReadWorkspaceAsync(parseResult, snapshot, aggregator, _interaction, "stage", queries, ct),
                cancellationToken).ConfigureAwait(false);

            var proposedLoad = await ManifestLoader.LoadAsync(proposedPaths, new ClusterIdentity { Name = current.Cluster.Name }, cancellationToken).ConfigureAwait(false);
            ManifestsScanSource.ShowSkipped(_interaction, proposedLoad);
            var proposal = proposedLoad.Snapshot;
            var (replaced, added) = ProposedPolicySet.Count(current, proposal);
            if (replaced + added == 0)
            {
                throw new ScanInputException($"--proposed: no policy objects in {string.Join(", ", proposedPaths)}");
            }

            var traffic = aggregator.Result();
            var proposed = ProposedPolicySet.Apply(current, proposal);
            var report = FlowReplay.Stage(current, proposed, traffic);
            var summary = Summary(traffic, replaced, added);
            _interaction.DisplayStatus(summary);
            PlatformFindingsText.Display(_interaction, PlatformLint.Check(proposed, PlatformFindingsText.NamespacesOf(proposal, current)));
            foreach (var contradiction in report.Contradictions)
            {
                _interaction.DisplayWarning($"runtime contradicts the policies: {contradiction.From} -> {contradiction.To} {contradiction.Port}/{contradiction.Protocol?.ToKubernetes()} seen forwarded {contradiction.Count} times although denied today ({contradiction.Policy}); the engine may not enforce here");
            }

            switch (parseResult.GetValue(_format))
            {
                case "json":
                    await WriteJsonAsync(report, cancellationToken).ConfigureAwait(false);
                    break;
                case "html":
                    await WriteTextAsync(StageHtmlReport.Render(report, summary, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await WriteTableAsync(report, cancellationToken).ConfigureAwait(false);
                    break;
            }

            return report.WouldDrop.Count > 0 ? ExitCodes.NonCompliant
                : report.Unverifiable.Count > 0 ? ExitCodes.Incomplete
                : ExitCodes.Compliant;
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
        catch (LogAnalyticsQueryException ex)
        {
            _interaction.DisplayError($"--flows-from-workspace: {ex.Message}");
            return ExitCodes.Incomplete;
        }
    }

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");

    private static string Summary(ObservedTraffic traffic, int replaced, int added)
    {
        var window = traffic.Window is { } w
            ? string.Create(CultureInfo.InvariantCulture, $"{w.From.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} to {w.To.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({Duration(w.Length)})")
            : "no window";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"stage: {traffic.Flows} flows read ({traffic.Replies} replies, {traffic.WithoutPort} without a port, {traffic.Unidentified} unidentified left out), {traffic.Edges.Count} connections, {window}; proposal: {replaced} replaced, {added} added");
    }

    // Raw stdout, like every machine-read output: one entry per line, never wrapped at a console width.
    private async Task WriteTableAsync(StageReport report, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        Section(text, "Would drop (observed, allowed today, denied by the proposal)", report.WouldDrop, e => e.Policy);
        Section(text, "Would open (denied today, allowed by the proposal)", report.WouldOpen, e => e.Policy);
        Section(text, "Unverifiable", report.Unverifiable, e => e.Reason);
        await WriteTextAsync(text.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteTextAsync(string text, CancellationToken cancellationToken)
    {
        var stdout = _interaction.OpenStandardOutput();
        await stdout.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Section(StringBuilder text, string title, IReadOnlyList<StageEntry> entries, Func<StageEntry, string?> why)
    {
        text.Append(CultureInfo.InvariantCulture, $"{title}: {entries.Count}\n");
        foreach (var entry in entries)
        {
            var port = entry.Port is { } n ? string.Create(CultureInfo.InvariantCulture, $" {n}/{entry.Protocol?.ToKubernetes()}") : string.Empty;
            var seen = entry.Count is { } c ? string.Create(CultureInfo.InvariantCulture, $", {c} flow events, last {entry.LastSeen?.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}") : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"  {Clean(entry.From)} -> {Clean(entry.To)}{port}{seen}\n");
            if (why(entry) is { Length: > 0 } reason)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {Clean(reason)}\n");
            }
        }
    }

    /// <summary>Control characters from flow data never reach the terminal (the one escaping every text output uses).</summary>
    private static string Clean(string value) => TerminalText.Escape(value);

    private async Task WriteJsonAsync(StageReport report, CancellationToken cancellationToken)
    {
        var stdout = _interaction.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            WriteEntries(writer, "wouldDrop", report.WouldDrop);
            WriteEntries(writer, "wouldOpen", report.WouldOpen);
            WriteEntries(writer, "unverifiable", report.Unverifiable);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteEntries(Utf8JsonWriter writer, string name, IReadOnlyList<StageEntry> entries)
    {
        writer.WriteStartArray(name);
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            writer.WriteString("from", entry.From);
            writer.WriteString("to", entry.To);
            if (entry.Protocol is { } protocol)
            {
                writer.WriteString("protocol", protocol.ToKubernetes());
            }

            if (entry.Port is { } port)
            {
                writer.WriteNumber("port", port);
            }

            if (entry.Count is { } count)
            {
                writer.WriteNumber("count", count);
            }

            if (entry.FirstSeen is { } first)
            {
                writer.WriteString("firstSeen", first.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }

            if (entry.LastSeen is { } last)
            {
                writer.WriteString("lastSeen", last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }

            if (entry.Policy is { } policy)
            {
                writer.WriteString("policy", policy);
            }

            if (entry.Before is { } before)
            {
                writer.WriteString("before", before);
            }

            if (entry.Reason is { } reason)
            {
                writer.WriteString("reason", reason);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
