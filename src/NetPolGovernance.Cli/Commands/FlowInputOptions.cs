using System.CommandLine;
using System.Globalization;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Flows;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// The flow inputs <c>scan</c>, <c>stage</c> and <c>remediate --profile observed</c> share: <c>--flows FILE...</c> (Hubble JSON lines)
/// and <c>--flows-from-workspace [ID]</c> (ContainerNetworkLogs of the last <c>--since</c>, through the Log Analytics
/// query API at <c>--flows-endpoint</c>). Bad lines are warned about; a query failure surfaces as
/// <see cref="LogAnalyticsQueryException"/>.
/// </summary>
internal sealed class FlowInputOptions
{
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

    private readonly Option<string?> _flowsEndpoint = new("--flows-endpoint")
    {
        Description = "The Log Analytics query endpoint (default: the --cloud's, https://api.loganalytics.io/, .us in Azure Government, api.loganalytics.azure.cn in Azure China).",
        HelpName = "URL",
    };

    private readonly Option<string[]> _flows = new("--flows")
    {
        Description = "Hubble JSON-lines flow files (hubble observe -o json, the ACNS node file).",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public FlowInputOptions(IFlowQueryClientFactory queryClients)
    {
        ArgumentNullException.ThrowIfNull(queryClients);
        _queryClients = queryClients;
    }

    /// <summary>Adds <c>--flows</c>, <c>--flows-from-workspace</c>, <c>--since</c> and <c>--flows-endpoint</c>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_flows);
        command.Options.Add(_fromWorkspace);
        command.Options.Add(_since);
        command.Options.Add(_flowsEndpoint);
    }

    /// <summary>True when the command line names a flow source.</summary>
    public bool Given(ParseResult parseResult) =>
        (parseResult.GetValue(_flows) is { Length: > 0 }) || parseResult.GetResult(_fromWorkspace) is not null;

    /// <summary>Reads the flow files into <paramref name="aggregator"/> (before the cluster is loaded: a bad file fails fast).</summary>
    public async Task ReadFilesAsync(ParseResult parseResult, FlowAggregator aggregator, IInteractionService interaction, CancellationToken cancellationToken)
    {
        _ = Since(parseResult.GetValue(_since));
        var paths = parseResult.GetValue(_flows) ?? [];
        if (paths.Length == 0)
        {
            return;
        }

        var read = await FlowFileReader.ReadAsync(paths, aggregator, cancellationToken).ConfigureAwait(false);
        Warn(read, interaction);
    }

    private static void Warn(FlowFileSummary read, IInteractionService interaction)
    {
        foreach (var problem in read.Problems)
        {
            interaction.DisplayWarning(problem);
        }

        if (read.BadLines > read.Problems.Count)
        {
            interaction.DisplayWarning(string.Create(CultureInfo.InvariantCulture, $"{read.BadLines - read.Problems.Count} more bad flow lines skipped"));
        }
    }

    /// <summary>
    /// For <c>scan</c>: where each cluster's flows come from, or null when no flow option is given. Files are read now,
    /// in one pass, routed by the cluster names they carry (a bad file fails before any cluster is read);
    /// <c>--flows-from-workspace</c> (no value) queries each cluster's own resource as it is scanned.
    /// </summary>
    public async Task<IClusterFlowSource?> ScanSourceAsync(ParseResult parseResult, IInteractionService interaction, CancellationToken cancellationToken)
    {
        var since = Since(parseResult.GetValue(_since));
        var paths = parseResult.GetValue(_flows) ?? [];
        var fromWorkspace = parseResult.GetResult(_fromWorkspace) is not null;
        if (paths.Length > 0 && fromWorkspace)
        {
            throw new ScanInputException("--flows and --flows-from-workspace: give one flow source");
        }

        if (fromWorkspace)
        {
            if (parseResult.GetValue(_fromWorkspace) is { Length: > 0 } workspace)
            {
                throw new ScanInputException($"--flows-from-workspace {workspace}: scan reads ContainerNetworkLogs from each cluster's own resource; give the option without a workspace id");
            }

            return new ContainerNetworkLogsFlowSource(_queryClients.Create(QueryEndpoint(parseResult)), since);
        }

        if (paths.Length == 0)
        {
            return null;
        }

        var byCluster = new FlowsByCluster("flow files " + string.Join(", ", paths.Select(Path.GetFileName)));
        var read = await FlowFileReader.ReadAsync(paths, byCluster, cancellationToken).ConfigureAwait(false);
        Warn(read, interaction);
        if (byCluster.Unattributed > 0)
        {
            interaction.DisplayWarning(string.Create(CultureInfo.InvariantCulture, $"{byCluster.Unattributed} flows name no cluster while others do: they are given to no cluster"));
        }

        return new FileClusterFlowSource(byCluster);
    }

    /// <summary>
    /// The query endpoint: <c>--flows-endpoint</c>, else the query API of the command's <c>--cloud</c> (Azure Government
    /// and China have their own), else null (the public cloud's). A custom <c>--arm-endpoint</c> needs <c>--flows-endpoint</c>.
    /// </summary>
    private Uri? QueryEndpoint(ParseResult parseResult)
    {
        // Read as text and parsed here: a value System.CommandLine cannot convert to Uri would throw, not report.
        if (parseResult.GetValue(_flowsEndpoint) is { } given)
        {
            return Uri.TryCreate(given.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? uri
                : throw new ScanInputException($"--flows-endpoint '{given}' is not an absolute https URL");
        }

        var options = parseResult.CommandResult.Command.Options;
        if (options.OfType<Option<string?>>().FirstOrDefault(o => o.Name == "--arm-endpoint") is { } arm && !string.IsNullOrWhiteSpace(parseResult.GetValue(arm)))
        {
            throw new ScanInputException("--flows-from-workspace with a custom cloud (--arm-endpoint): its Log Analytics query endpoint is not known; give --flows-endpoint");
        }

        return options.OfType<Option<string>>().FirstOrDefault(o => o.Name == "--cloud") is { } cloud
            && AzureCloudEnvironment.FromName(parseResult.GetValue(cloud) ?? "AzureCloud") is { } environment
            ? environment.LogAnalyticsQueryEndpoint
            : null;
    }

    /// <summary>
    /// Reads ContainerNetworkLogs when <c>--flows-from-workspace</c> is given, for the loaded cluster: through
    /// <paramref name="sourceQueries"/> when the scan source has its own query API (the fleet simulator's, as <c>scan</c>
    /// does), else through the command's (<c>--flows-endpoint</c>, the <c>--cloud</c>'s).
    /// </summary>
    public async Task ReadWorkspaceAsync(ParseResult parseResult, ClusterSnapshot current, FlowAggregator aggregator, IInteractionService interaction, string command, LogAnalyticsQueryClient? sourceQueries, CancellationToken cancellationToken)
    {
        if (parseResult.GetResult(_fromWorkspace) is null)
        {
            return;
        }

        var since = Since(parseResult.GetValue(_since));
        var workspace = parseResult.GetValue(_fromWorkspace);
        var isWorkspace = workspace is { Length: > 0 };
        var scope = isWorkspace ? workspace! : current.Cluster.ResourceId
            ?? throw new ScanInputException($"--flows-from-workspace: cluster {current.Cluster.Name} has no Azure resource id to query; give the workspace id");
        var client = sourceQueries ?? _queryClients.Create(QueryEndpoint(parseResult));
        var rows = await ContainerNetworkLogsReader.ReadAsync(client, scope, isWorkspace, since, aggregator, cancellationToken).ConfigureAwait(false);
        interaction.DisplayStatus(string.Create(CultureInfo.InvariantCulture, $"{command}: {rows} connection rows from ContainerNetworkLogs over the last {since.TotalHours:0.#} h ({(isWorkspace ? "workspace " + scope : "resource " + scope)})"));
        if (rows == 0)
        {
            interaction.DisplayWarning("ContainerNetworkLogs returned nothing in the window: container network logs may be off (ACNS with --enable-container-network-logs and a ContainerNetworkLog filter are needed)");
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
}
