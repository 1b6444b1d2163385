using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Cli.Simulation;

/// <summary>
/// <c>scan --simulated-fleet N [--sim-seed S] [--sim-latency-ms L] [--sim-namespaces N] [--sim-pods N] [--sim-fault-rate F]</c>:
/// starts a <see cref="FleetSimulator"/> in this process (loopback only), scans it through the real Azure path
/// (Resource Graph inventory, AKS credentials, Kubernetes API; runCommand for private clusters; stopped clusters
/// Skipped; faulty ones as their fault makes them) and stops it when the scan ends. No Azure account is involved:
/// the clients reach the simulator only (<see cref="SimulatorAzureClientFactory"/>).
/// </summary>
internal sealed class SimulatedFleetScanSource : IScanSource
{
    private readonly Option<int> _fleet = new("--simulated-fleet")
    {
        Description = "Scan a simulated AKS fleet of N clusters served in this process on loopback, through the Azure path (no Azure account needed; README \"Simulated fleet\").",
        HelpName = "N",
    };

    private readonly FleetSimulationCommandOptions _options;
    private readonly IKubernetesClusterReader _reader;
    private readonly IInteractionService _interaction;
    private readonly ILoggerFactory _loggerFactory;

    public SimulatedFleetScanSource(IKubernetesClusterReader reader, IInteractionService interaction, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _reader = reader;
        _interaction = interaction;
        _loggerFactory = loggerFactory;
        _options = new FleetSimulationCommandOptions(_fleet);
    }

    public string Usage => "--simulated-fleet N";

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _options.AddTo(command);
        CollectorBoundOptions.AddTo(command);
        CliSettings.Exclusive(CliSettings.SourceGroup, _fleet);
        command.Validators.Add(result =>
        {
            if (result.GetResult(_fleet) is null && _options.FirstExplicitShapeOption(result) is { } orphan)
            {
                result.AddError($"{orphan.Name} shapes a simulated fleet: give --simulated-fleet N with it");
            }
        });
    }

    public bool IsSelected(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetResult(_fleet) is not null;
    }

    public async Task<ScanSourceSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var options = _options.Resolve(parseResult);
        var simulator = await FleetSimulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var line in SimulatedFleetDescription.Lines(simulator))
            {
                _interaction.DisplayStatus(line);
            }

            var clients = new SimulatorAzureClientFactory(simulator);
            var settings = clients.Settings;
            return AzureScanSource.CreateSession(clients.Create(settings), settings.Scope, CollectorBoundOptions.Apply(_reader, parseResult), _loggerFactory) with
            {
                Resources = simulator,
                FlowQueries = clients.CreateFlowQueryClient(),
            };
        }
        catch
        {
            await simulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
