using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary><c>netpolgov clusters list</c> through the real parser, against the loopback ARM server.</summary>
public sealed class ClustersListCommandTests
{
    [Fact]
    public async Task ClustersList_JsonFormat_ListsEveryClusterWithProfileAndAccess()
    {
        // Arrange
        var fleet = new AzureFleetDescription
        {
            Subscriptions =
            [
                AzureTestFleet.Subscription(1, 0) with
                {
                    Clusters =
                    [
                        new SimulatedCluster { Name = "aks-public", NetworkPolicy = "none", NetworkDataplane = null },
                        new SimulatedCluster { Name = "aks-private", PrivateCluster = true },
                        new SimulatedCluster { Name = "aks-stopped", PowerState = "Stopped" },
                    ],
                },
            ],
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        using var cli = new CliHarness { Overrides = services => services.AddSingleton<IAzureClientFactory>(new LoopbackAzureClientFactory(server)) };

        // Act
        var exitCode = await cli.RunAsync("clusters", "list", "--format", "json");

        // Assert
        Assert.Equal(ExitCodes.Compliant, exitCode);
        using var json = JsonDocument.Parse(cli.RawStandardOutput);
        var rows = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("Name").GetString()!);
        Assert.Equal(3, rows.Count);
        Assert.Equal("none", rows["aks-public"].GetProperty("NetworkPolicy").GetString());
        Assert.Equal("Entra token", rows["aks-public"].GetProperty("Access").GetString());
        Assert.Equal("private (runCommand)", rows["aks-private"].GetProperty("Access").GetString());
        Assert.Equal("Skipped", rows["aks-stopped"].GetProperty("Status").GetString());
    }

    [Fact]
    public async Task ClustersList_ForbiddenSubscription_WarnsAndExitsIncomplete()
    {
        // Arrange
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 2), AzureTestFleet.Subscription(2, 1, forbidden: true)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        using var cli = new CliHarness { Overrides = services => services.AddSingleton<IAzureClientFactory>(new LoopbackAzureClientFactory(server)) };

        // Act
        var exitCode = await cli.RunAsync("clusters", "list");

        // Assert
        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.Contains("aks-s1-c000", cli.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", cli.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--subscription", "not-a-guid", "not a subscription id")]
    [InlineData("--arm-endpoint", "http://arm.example", "https")]
    public async Task ClustersList_BadInput_ExitsUsageErrorNamingTheValue(string option, string value, string expected)
    {
        // Arrange
        using var cli = new CliHarness { Overrides = services => services.AddSingleton<IAzureClientFactory>(new ThrowingFactory()) };

        // Act
        var exitCode = await cli.RunAsync("clusters", "list", option, value);

        // Assert
        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains(expected, cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClustersList_UnknownCloud_IsAParseError()
    {
        // Arrange
        using var cli = new CliHarness();

        // Act
        var exitCode = await cli.RunAsync("clusters", "list", "--cloud", "AzureGermanCloud");

        // Assert
        Assert.NotEqual(ExitCodes.Compliant, exitCode);
        Assert.Contains("AzureUSGovernment", cli.StandardError, StringComparison.Ordinal);
    }

    /// <summary>The clients on the loopback server, keeping the cloud the command line chose only when it is custom.</summary>
    internal sealed class LoopbackAzureClientFactory(AzureLoopbackServer server) : IAzureClientFactory
    {
        public List<AzureConnectionSettings> Requests { get; } = [];

        public AzureConnection Create(AzureConnectionSettings settings)
        {
            Requests.Add(settings);
            return new AzureConnection(new StaticTokenCredential("loopback-arm-token"), server.CreateClientOptions());
        }
    }

    private sealed class ThrowingFactory : IAzureClientFactory
    {
        public AzureConnection Create(AzureConnectionSettings settings) => throw new InvalidOperationException("bad input must be refused before any client is built");
    }
}
