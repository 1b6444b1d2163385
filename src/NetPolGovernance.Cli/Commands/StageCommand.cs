using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Manifests;

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
    private static readonly string[] s_formats = ["table", "json"];

    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly IFlowQueryClientFactory _queryClients;
    private readonly Option<string?> _fromWorkspace = new("--flows-from-workspace")
    {
        Description = "Read ContainerNetworkLogs through the Log Analytics query API: from the workspace ID given, or (no value) from the cluster's own resource.",
        HelpName = "WORKSPACE_ID",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string> _since = new("--since")
    {
        Description = "How far back --flows-from-workspace reads: 30m, 24h, 7d (5 minutes to 90 days).",
        HelpName = "DURATION",
        DefaultValueFactory = _ => "24h",
    };

    private readonly Option<Uri?> _flowsEndpoint = new("--flows-endpoint")
    {
        Description = "The Log Analytics query endpoint (default https://api.loganalytics.io/; https://api.loganalytics.us/ in Azure Government).",
        HelpName = "URL",
    };

    private readonly Option<string[]> _proposed = new("--proposed")
    {
        Description = "Manifest files or folders with the proposed policies; each replaces the object of the same kind, namespace and name, or is added.",
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string[]> _flows = new("--flows")
    {
        Description = "Hubble JSON-lines flow files (hubble observe -o json, the ACNS node file).",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _format = CliChoice.Create("--format", "Output format.", s_formats, "table");

    public StageCommand(IEnumerable<IScanSource> sources, IInteractionService interaction, IFlowQueryClientFactory queryClients)
        : base("stage", "Replay observed flows through the current and a proposed policy set: what would drop, what would open.")
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(queryClients);
        _sources = sources.ToList();
        _interaction = interaction;
        _queryClients = queryClients;
        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        Options.Add(_proposed);
        Options.Add(_flows);
        Options.Add(_fromWorkspace);
        Options.Add(_since);
        Options.Add(_flowsEndpoint);
        Options.Add(_format);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var proposedPaths = parseResult.GetValue(_proposed) is { Length: > 0 } p ? p : throw new ScanInputException("give --proposed PATH... (the policies to stage)");
            var flowPaths = parseResult.GetValue(_flows) ?? [];
            var fromWorkspace = parseResult.GetResult(_fromWorkspace) is not null;
            if (flowPaths.Length == 0 && !fromWorkspace)
            {
                throw new ScanInputException("give --flows FILE... (Hubble JSON lines) or --flows-from-workspace [WORKSPACE_ID]");
            }

            var since = Since(parseResult.GetValue(_since));
            var aggregator = new FlowAggregator();
            var read = flowPaths.Length == 0 ? new FlowFileSummary() : await FlowFileReader.ReadAsync(flowPaths, aggregator, cancellationToken).ConfigureAwait(false);
            foreach (var problem in read.Problems)
            {
                _interaction.DisplayWarning(problem);
            }

            if (read.BadLines > read.Problems.Count)
            {
                _interaction.DisplayWarning(string.Create(CultureInfo.InvariantCulture, $"{read.BadLines - read.Problems.Count} more bad flow lines skipped"));
            }

            var current = await SingleClusterLoader.LoadAsync(_sources, parseResult, kubeconfigNamesTarget: false, cancellationToken).ConfigureAwait(false);
            if (fromWorkspace)
            {
                await ReadWorkspaceAsync(parseResult, current, since, aggregator, cancellationToken).ConfigureAwait(false);
            }

            var proposal = (await ManifestLoader.LoadAsync(proposedPaths, new ClusterIdentity { Name = current.Cluster.Name }, cancellationToken).ConfigureAwait(false)).Snapshot;
            var (replaced, added) = ProposedPolicySet.Count(current, proposal);
            if (replaced + added == 0)
            {
                throw new ScanInputException($"--proposed: no policy objects in {string.Join(", ", proposedPaths)}");
            }

            var traffic = aggregator.Result();
            var report = FlowReplay.Stage(current, ProposedPolicySet.Apply(current, proposal), traffic);
            _interaction.DisplayStatus(Summary(traffic, replaced, added));
            foreach (var contradiction in report.Contradictions)
            {
                _interaction.DisplayWarning($"runtime contradicts the policies: {contradiction.From} -> {contradiction.To} {contradiction.Port}/{contradiction.Protocol?.ToKubernetes()} seen forwarded {contradiction.Count} times although denied today ({contradiction.Policy}); the engine may not enforce here");
            }

            if (string.Equals(parseResult.GetValue(_format), "json", StringComparison.Ordinal))
            {
                await WriteJsonAsync(report, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteTableAsync(report, cancellationToken).ConfigureAwait(false);
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

    private async Task ReadWorkspaceAsync(ParseResult parseResult, ClusterSnapshot current, TimeSpan since, FlowAggregator aggregator, CancellationToken cancellationToken)
    {
        var workspace = parseResult.GetValue(_fromWorkspace);
        var isWorkspace = workspace is { Length: > 0 };
        var scope = isWorkspace ? workspace! : current.Cluster.ResourceId
            ?? throw new ScanInputException($"--flows-from-workspace: cluster {current.Cluster.Name} has no Azure resource id to query; give the workspace id");
        var client = _queryClients.Create(parseResult.GetValue(_flowsEndpoint));
        var rows = await ContainerNetworkLogsReader.ReadAsync(client, scope, isWorkspace, since, aggregator, cancellationToken).ConfigureAwait(false);
        _interaction.DisplayStatus(string.Create(CultureInfo.InvariantCulture, $"stage: {rows} connection rows from ContainerNetworkLogs over the last {since.TotalHours:0.#} h ({(isWorkspace ? "workspace " + scope : "resource " + scope)})"));
        if (rows == 0)
        {
            _interaction.DisplayWarning("ContainerNetworkLogs returned nothing in the window: container network logs may be off (ACNS with --enable-container-network-logs and a ContainerNetworkLog filter are needed)");
        }
    }

    /// <summary><c>30m</c>, <c>24h</c>, <c>7d</c>, or an ISO 8601 duration; 5 minutes to 90 days.</summary>
    internal static TimeSpan Since(string? text)
    {
        text = text?.Trim() ?? string.Empty;
        TimeSpan? value = null;
        if (text.Length > 1 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            value = char.ToLowerInvariant(text[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                _ => null,
            };
        }

        if (value is null && text.StartsWith('P'))
        {
            try
            {
                value = System.Xml.XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
                value = null;
            }
        }

        return value is { } span && span >= TimeSpan.FromMinutes(5) && span <= TimeSpan.FromDays(90)
            ? span
            : throw new ScanInputException($"--since '{text}' is not a duration between 5 minutes and 90 days (write 30m, 24h, 7d)");
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
        var stdout = _interaction.OpenStandardOutput();
        await stdout.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
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

    /// <summary>Control characters from flow data never reach the terminal.</summary>
    private static string Clean(string value) =>
        value.Any(char.IsControl) ? new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]) : value;

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
