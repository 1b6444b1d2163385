using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Azure;

/// <summary>
/// <c>scan --azure [--subscription ID...] [--management-group ID...] [--cloud NAME] [--arm-endpoint URL]</c>: every AKS
/// cluster in scope (Resource Graph, ARM fallback), each read through its API server or, for private clusters, runCommand.
/// The report says per cluster which access path was used.
/// </summary>
internal sealed class AzureScanSource : IScanSource
{
    private readonly Option<bool> _azure = new("--azure")
    {
        Description = "Scan the AKS clusters of Azure subscriptions (DefaultAzureCredential: az login, environment, managed identity).",
    };

    private readonly AzureCommandOptions _options = new();
    private readonly IAzureClientFactory _clients;
    private readonly IKubernetesClusterReader _reader;
    private readonly ILoggerFactory _loggerFactory;

    public AzureScanSource(IAzureClientFactory clients, IKubernetesClusterReader reader, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clients = clients;
        _reader = reader;
        _loggerFactory = loggerFactory;
    }

    public string Usage => "--azure [--subscription ID...]";

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_azure);
        CliSettings.Exclusive(CliSettings.SourceGroup, _azure);
        _options.AddTo(command);
        CollectorBoundOptions.AddTo(command);
    }

    public bool IsSelected(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetValue(_azure);
    }

    public Task<ScanSourceSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var settings = _options.Resolve(parseResult);
        return Task.FromResult(CreateSession(_clients.Create(settings), settings.Scope, CollectorBoundOptions.Apply(_reader, parseResult), _loggerFactory));
    }

    /// <summary>
    /// The Azure scan over <paramref name="connection"/>, composed by <see cref="AzureFleetScan"/> as the Functions app
    /// composes it. Shared with <c>scan --simulated-fleet</c>, so the simulated fleet is read exactly as Azure is.
    /// </summary>
    internal static ScanSourceSession CreateSession(AzureConnection connection, AzureInventoryScope scope, IKubernetesClusterReader reader, ILoggerFactory loggerFactory)
    {
        var fleet = connection.CreateFleetScan(scope, reader, loggerFactory);
        return new ScanSourceSession(fleet.Inventory, fleet.Collector) { ScanOptions = fleet.ScanOptions() };
    }
}
