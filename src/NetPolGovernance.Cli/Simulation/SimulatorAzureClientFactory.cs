using Azure.Core.Pipeline;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Fleet;

namespace NetPolGovernance.Cli.Simulation;

/// <summary>
/// The Azure clients of a scan pointed at an in-process <see cref="FleetSimulator"/>, through the same seam the Azure
/// tests use (<see cref="IAzureClientFactory"/>): the simulator's ARM endpoint as a custom cloud, TLS verified against
/// that server's own certificate only (pinned; nothing else is trusted on that connection), and a
/// <see cref="StaticTokenCredential"/> holding the simulator's per-run token, which only the simulator accepts.
/// </summary>
internal sealed class SimulatorAzureClientFactory(FleetSimulator simulator) : IAzureClientFactory
{
    /// <summary>What the simulated scan reads: every subscription of the simulated tenant, on the simulator's cloud.</summary>
    public AzureConnectionSettings Settings => new(AzureCloudEnvironment.Custom(simulator.Azure.Endpoint), new AzureInventoryScope());

    public AzureConnection Create(AzureConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AzureConnection(new StaticTokenCredential(simulator.Token), simulator.Azure.CreateClientOptions());
    }

    /// <summary>The Log Analytics query API of the simulator (its ARM server answers resource-centric queries), pinned the same way.</summary>
    public LogAnalyticsQueryClient CreateFlowQueryClient()
    {
        var options = new LogAnalyticsQueryClientOptions
        {
            Endpoint = simulator.Azure.Endpoint,
            Scope = simulator.Azure.Endpoint.GetLeftPart(UriPartial.Authority) + "/.default",
            Transport = new HttpClientTransport(simulator.Azure.CreateTrustingHandler()),
        };
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        return new LogAnalyticsQueryClient(new StaticTokenCredential(simulator.Token), options);
    }
}
