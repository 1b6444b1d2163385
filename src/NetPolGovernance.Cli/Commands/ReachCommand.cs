using System.CommandLine;
using System.Text.Json;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using Spectre.Console;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov reach</c>: may one endpoint connect to another? One question with <c>--from/--to/--protocol/--port</c>,
/// or many with <c>--queries FILE</c> (a JSON array of <c>{from, to, protocol, port}</c>, answered as the same
/// objects plus <c>allowed</c> and <c>explanation</c>). Endpoints are <c>namespace/pod</c> or <c>ip:ADDRESS</c>.
/// Exit 0 when every question was answered, 1 for bad input.
/// </summary>
internal sealed class ReachCommand : BaseCommand
{
    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly Option<string?> _from = new("--from") { Description = "Source: namespace/pod or ip:ADDRESS.", HelpName = "ENDPOINT" };
    private readonly Option<string?> _to = new("--to") { Description = "Destination: namespace/pod or ip:ADDRESS.", HelpName = "ENDPOINT" };
    private readonly Option<string> _protocol = CliChoice.Create("--protocol", "Protocol of the connection.", ["TCP", "UDP", "SCTP"], "TCP");
    private readonly Option<int?> _port = new("--port") { Description = "Destination port (1-65535).", HelpName = "PORT" };
    private readonly Option<string?> _queries = new("--queries")
    {
        Description = "JSON file with an array of {from, to, protocol, port}; answers are printed as a JSON array.",
        HelpName = "FILE",
    };

    public ReachCommand(IEnumerable<IScanSource> sources, IInteractionService interaction)
        : base("reach", "Explain whether a connection is allowed by the cluster's NetworkPolicies.")
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
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var queries = await QueriesAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var snapshot = await SingleClusterLoader.LoadAsync(_sources, parseResult, kubeconfigNamesTarget: false, cancellationToken).ConfigureAwait(false);
            var engine = new ReachabilityEngine(snapshot);
            if (queries is null)
            {
                var result = engine.Evaluate(SingleQuery(parseResult));
                if (result.Error is not null)
                {
                    _interaction.DisplayError(result.Error);
                    return ExitCodes.UsageError;
                }

                _interaction.Output.WriteLine($"{(result.Allowed ? "ALLOWED" : "DENIED")}: {result.Query.From} -> {result.Query.To} {result.Query.Port}/{result.Query.Protocol.ToKubernetes()}");
                _interaction.Output.WriteLine(result.Explanation);
                return ExitCodes.Compliant;
            }

            await WriteAnswersAsync(queries.Select(engine.Evaluate).ToList(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Compliant;
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
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

        return Query(from, to, protocol, port, "--from/--to");
    }

    private async Task<IReadOnlyList<ReachabilityQuery>?> QueriesAsync(ParseResult parseResult, CancellationToken cancellationToken)
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

            var queries = new List<ReachabilityQuery>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var where = $"{file}: query [{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new ScanInputException($"{where}: expected an object");
                }

                var from = String(item, "from", where);
                var to = String(item, "to", where);
                var protocolText = item.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                if (!TransportProtocols.TryParse(protocolText, out var protocol))
                {
                    throw new ScanInputException($"{where}: protocol '{protocolText}' is not TCP, UDP or SCTP");
                }

                if (!item.TryGetProperty("port", out var portElement) || !portElement.TryGetInt32(out var port))
                {
                    throw new ScanInputException($"{where}: \"port\" must be a number");
                }

                queries.Add(Query(from, to, protocol, port, where));
            }

            return queries;
        }
    }

    private static string String(JsonElement item, string name, string where) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new ScanInputException($"{where}: \"{name}\" must be a string (namespace/pod or ip:ADDRESS)");

    private static ReachabilityQuery Query(string from, string to, TransportProtocol protocol, int port, string where)
    {
        if (!ReachabilityEndpoint.TryParse(from, out var source, out var fromError))
        {
            throw new ScanInputException($"{where}: from: {fromError}");
        }

        if (!ReachabilityEndpoint.TryParse(to, out var destination, out var toError))
        {
            throw new ScanInputException($"{where}: to: {toError}");
        }

        if (port is < 1 or > 65535)
        {
            throw new ScanInputException($"{where}: port {port} is outside 1-65535");
        }

        return new ReachabilityQuery(source, destination, protocol, port);
    }

    private async Task WriteAnswersAsync(IReadOnlyList<ReachabilityResult> results, CancellationToken cancellationToken)
    {
        var stdout = _interaction.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteString("from", result.Query.From.ToString());
                writer.WriteString("to", result.Query.To.ToString());
                writer.WriteString("protocol", result.Query.Protocol.ToKubernetes());
                writer.WriteNumber("port", result.Query.Port);
                writer.WriteBoolean("allowed", result.Allowed);
                writer.WriteString("explanation", result.Explanation);
                if (result.Error is not null)
                {
                    writer.WriteString("error", result.Error);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
