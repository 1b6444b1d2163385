using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary><c>netpolgov scan --azure</c> through the real parser, against the loopback ARM server.</summary>
public sealed class ScanAzureCommandTests
{
    [Fact]
    public async Task ScanAzure_PrivateClusterWithNetworkPolicyNone_ReportsRunCommandPathAndExitsNonCompliant()
    {
        // Arrange
        var logs = new RunCommandOutputBuilder().Namespace("shop").Pod("shop", "web-1", ("app", "web")).DefaultDeny("shop").Build();
        var fleet = new AzureFleetDescription
        {
            Subscriptions =
            [
                AzureTestFleet.Subscription(1, 0) with
                {
                    Clusters = [new SimulatedCluster { Name = "aks-none", NetworkPolicy = "none", NetworkDataplane = null, PrivateCluster = true, RunCommandLogs = logs }],
                },
            ],
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        using var cli = new CliHarness
        {
            Overrides = services => services.AddSingleton<IAzureClientFactory>(new ClustersListCommandTests.LoopbackAzureClientFactory(server)),
        };

        // Act
        var exitCode = await cli.RunAsync("scan", "--azure", "--subscription", fleet.Subscriptions[0].SubscriptionId, "--format", "json");

        // Assert
        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        Assert.Contains("RunCommand", cli.RawStandardOutput, StringComparison.Ordinal);
        Assert.Contains("NPG-C01", cli.RawStandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, server.Calls.RunCommands);
    }

    [Fact]
    public async Task ScanAzure_ForbiddenSubscription_ExitsIncomplete()
    {
        // Arrange
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 1, forbidden: true)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        using var cli = new CliHarness
        {
            Overrides = services => services.AddSingleton<IAzureClientFactory>(new ClustersListCommandTests.LoopbackAzureClientFactory(server)),
        };

        // Act
        var exitCode = await cli.RunAsync("scan", "--azure", "--format", "json");

        // Assert
        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.Contains("AuthorizationFailed", cli.RawStandardOutput, StringComparison.Ordinal);
    }
}
