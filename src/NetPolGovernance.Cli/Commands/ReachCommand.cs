using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using Spectre.Console;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov reach</c>: may one endpoint connect to another? One question with <c>--from/--to/--protocol/--port</c>,
/// or many with <c>--queries FILE</c> (a JSON array of <c>{from, to, protocol, port}</c>, answered as the same
/// objects plus <c>verdict</c>, <c>allowed</c>, <c>explanation</c> and, where they apply, <c>unknown</c> and
/// <c>error</c>). Endpoints are <c>namespace/pod</c>, <c>namespace/Kind/name</c> (a pod derived from a workload, as
/// the report names it) or <c>ip:ADDRESS</c>. Each query is judged on its own: a bad one gets an error entry and the
/// others are still answered. Exit 0 when every question got a confident answer, 3 when at least one answer is
/// unknown, 1 when a question could not be answered (bad endpoint, unknown pod, port out of range) or the input is bad.
/// <c>--engine</c> declares the policy engine where the snapshot cannot name one, as for scan; policies the API server
/// would reject are left out with a warning, as scan leaves them out.
/// </summary>
internal sealed class ReachCommand : BaseCommand
{
    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly Option<string?> _from = new("--from") { Description = "Source: namespace/pod, namespace/Kind/name or ip:ADDRESS.", HelpName = "ENDPOINT" };
    private readonly Option<string?> _to = new("--to") { Description = "Destination: namespace/pod, namespace/Kind/name or ip:ADDRESS.", HelpName = "ENDPOINT" };
    private readonly Option<string> _protocol = CliChoice.Create("--protocol", "Protocol of the connection.", ["TCP", "UDP", "SCTP"], "TCP");
    private readonly Option<int?> _port = new("--port") { Description = "Destination port (1-65535).", HelpName = "PORT" };
    private readonly Option<string?> _queries = new("--queries")
    {
        Description = "JSON file with an array of {from, to, protocol, port}; answers are printed as a JSON array.",
        HelpName = "FILE",
    };

    private readonly Option<string> _engine = EngineOption.Create();

    public ReachCommand(IEnumerable<IScanSource> sources, IInteractionService interaction)
        : base("reach", "Explain whether a connection is allowed by the cluster's network policies.")
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(interaction);
        _sources = sources.ToList();
        _interaction = interaction;
        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        Options.Add(_from);
        Options.Add(_to);
        Options.Add(_protocol);
        Options.Add(_port);
        Options.Add(_queries);
        Options.Add(_engine);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var queries = await QueriesAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var single = queries is null ? SingleQuery(parseResult) : null;
            var loaded = await SingleClusterLoader.LoadAsync(_sources, parseResult, kubeconfigNamesTarget: false, cancellationToken).ConfigureAwait(false);
            var snapshot = RejectedPolicies.LeaveOut(loaded, _interaction);
            var engine = new ReachabilityEngine(snapshot, EngineOption.Value(parseResult, _engine));
            if (single is not null)
            {
                var result = engine.Evaluate(single);
                if (result.Error is not null)
                {
                    _interaction.DisplayError(result.Error);
                    return ExitCodes.UsageError;
                }

                _interaction.Output.WriteLine($"{result.Verdict.ToString().ToUpperInvariant()}: {result.Query.From} -> {result.Query.To} {result.Query.Port}/{result.Query.Protocol.ToKubernetes()}");
                _interaction.Output.WriteLine(result.Explanation);
                return ExitCode([result.Verdict]);
            }

            var answers = queries!.Select(q => q.Query is null ? q : q with { Result = engine.Evaluate(q.Query) }).ToList();
            await WriteAnswersAsync(answers, cancellationToken).ConfigureAwait(false);
            foreach (var failed in answers.Where(a => a.Verdict is null))
            {
                _interaction.DisplayError($"{parseResult.GetValue(_queries)}: query [{failed.Index.ToString(CultureInfo.InvariantCulture)}]: {failed.Error ?? failed.Result?.Error}");
            }

            return ExitCode(answers.Select(a => a.Verdict));
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
    }

    /// <summary>1 when any question could not be answered; else 3 when any answer is unknown; else 0.</summary>
    private static int ExitCode(IEnumerable<ReachabilityVerdict?> verdicts)
    {
        var list = verdicts.ToList();
        if (list.Any(v => v is null))
        {
            return ExitCodes.UsageError;
        }

        return list.Contains(ReachabilityVerdict.Unknown) ? ExitCodes.Incomplete : ExitCodes.Compliant;
    }

    private ReachabilityQuery SingleQuery(ParseResult parseResult)
    {
        var from = parseResult.GetValue(_from) ?? throw new ScanInputException("give --from and --to (and --port), or --queries FILE");
        var to = parseResult.GetValue(_to) ?? throw new ScanInputException("give --to as well as --from");
        var port = parseResult.GetValue(_port) ?? throw new ScanInputException("give --port (1-65535)");
        if (!TransportProtocols.TryParse(parseResult.GetValue(_protocol), out var protocol))
        {
            throw new ScanInputException("--protocol must be TCP, UDP or SCTP");
        }

        return Query(from, to, protocol, port, out var error) ?? throw new ScanInputException($"--from/--to: {error}");
    }

    private async Task<IReadOnlyList<QueryItem>?> QueriesAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (parseResult.GetValue(_queries) is not { } file)
        {
            return null;
        }

        if (parseResult.GetValue(_from) is not null || parseResult.GetValue(_to) is not null || parseResult.GetValue(_port) is not null)
        {
            throw new ScanInputException("give either --queries FILE or --from/--to/--port, not both");
        }

        JsonDocument document;
        try
        {
            await using var stream = File.OpenRead(file);
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ScanInputException($"{file}: cannot read the queries: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ScanInputException($"{file}: expected a JSON array of {{from, to, protocol, port}}");
            }

            var items = new List<QueryItem>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                items.Add(Item(element, index++));
            }

            return items;
        }
    }

    /// <summary>One entry of the file: a query, or what is wrong with it (kept with the fields as written).</summary>
    private static QueryItem Item(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new QueryItem(index, null, null, null, null, null, "expected an object {from, to, protocol, port}");
        }

        var from = Text(element, "from");
        var to = Text(element, "to");
        var protocolText = Text(element, "protocol");
        int? port = element.TryGetProperty("port", out var portElement) && portElement.TryGetInt32(out var number) ? number : null;
        var item = new QueryItem(index, from, to, protocolText, port, null, null);
        if (from is null)
        {
            return item with { Error = "\"from\" must be a string (namespace/pod, namespace/Kind/name or ip:ADDRESS)" };
        }

        if (to is null)
        {
            return item with { Error = "\"to\" must be a string (namespace/pod, namespace/Kind/name or ip:ADDRESS)" };
        }

        if (!TransportProtocols.TryParse(protocolText, out var protocol))
        {
            return item with { Error = $"protocol '{protocolText}' is not TCP, UDP or SCTP" };
        }

        if (port is null)
        {
            return item with { Error = "\"port\" must be a number" };
        }

        var query = Query(from, to, protocol, port.Value, out var error);
        return query is null ? item with { Error = error } : item with { Query = query };
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static ReachabilityQuery? Query(string from, string to, TransportProtocol protocol, int port, out string? error)
    {
        if (!ReachabilityEndpoint.TryParse(from, out var source, out var fromError))
        {
            error = $"from: {fromError}";
            return null;
        }

        if (!ReachabilityEndpoint.TryParse(to, out var destination, out var toError))
        {
            error = $"to: {toError}";
            return null;
        }

        if (port is < 1 or > 65535)
        {
            error = $"port {port.ToString(CultureInfo.InvariantCulture)} is outside 1-65535";
            return null;
        }

        error = null;
        return new ReachabilityQuery(source, destination, protocol, port);
    }

    private async Task WriteAnswersAsync(IReadOnlyList<QueryItem> items, CancellationToken cancellationToken)
    {
        var stdout = _interaction.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                WriteAnswer(writer, item);
            }

            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteAnswer(Utf8JsonWriter writer, QueryItem item)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", item.Index);
        if (item.Result is { } result)
        {
            writer.WriteString("from", result.Query.From.ToString());
            writer.WriteString("to", result.Query.To.ToString());
            writer.WriteString("protocol", result.Query.Protocol.ToKubernetes());
            writer.WriteNumber("port", result.Query.Port);
        }
        else
        {
            WriteOptional(writer, "from", item.From);
            WriteOptional(writer, "to", item.To);
            WriteOptional(writer, "protocol", item.Protocol);
            if (item.Port is { } port)
            {
                writer.WriteNumber("port", port);
            }
            else
            {
                writer.WriteNull("port");
            }
        }

        var verdict = item.Verdict;
        writer.WriteString("verdict", verdict is { } v ? v.ToString().ToLowerInvariant() : "error");
        if (verdict is ReachabilityVerdict.Allowed or ReachabilityVerdict.Denied)
        {
            writer.WriteBoolean("allowed", verdict == ReachabilityVerdict.Allowed);
        }
        else
        {
            writer.WriteNull("allowed");
        }

        if (item.Result is { } answered)
        {
            writer.WriteString("explanation", answered.Explanation);
            if (answered.UnknownBecause.Count > 0)
            {
                writer.WriteStartArray("unknown");
                foreach (var reason in answered.UnknownBecause)
                {
                    writer.WriteStringValue(reason);
                }

                writer.WriteEndArray();
            }
        }

        if ((item.Error ?? item.Result?.Error) is { } error)
        {
            writer.WriteString("error", error);
        }

        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>One entry of a queries file, as written, with its parsed query or error, and its answer once evaluated.</summary>
    private sealed record QueryItem(int Index, string? From, string? To, string? Protocol, int? Port, ReachabilityQuery? Query, string? Error)
    {
        public ReachabilityResult? Result { get; init; }

        /// <summary>Null when the question could not be answered (an error in the entry or in the evaluation).</summary>
        public ReachabilityVerdict? Verdict => Error is not null || Result is null || Result.Error is not null ? null : Result.Verdict;
    }
}
