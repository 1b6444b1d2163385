using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Connectors;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>The ARM clients honour the standard <c>ClientOptions.Retry</c> settings as they are when a client is built.</summary>
public sealed class ArmRetrySettingsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    public async Task ResourceGraph_Throttled_RetriesExactlyTheConfiguredNumberOfTimes(int maxRetries, int expectedGraphCalls)
    {
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 2)],
            ResourceGraphThrottledRequests = 10,
            ThrottleRetryAfterSeconds = 0,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var options = server.CreateClientOptions();
        options.Retry.MaxRetries = maxRetries; // set after construction, as any ClientOptions user would
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var credential = new StaticTokenCredential("loopback-arm-token");
        var inventory = new AzureClusterInventory(
            new ResourceGraphClient(credential, options),
            new SubscriptionsClient(credential, options),
            new ManagedClustersClient(credential, options),
            new AzureInventoryScope { Subscriptions = [fleet.Subscriptions[0].SubscriptionId] },
            NullLogger<AzureClusterInventory>.Instance);

        var targets = await AzureTestFleet.ListAllAsync(inventory);

        Assert.Equal(2, targets.Count); // Resource Graph gave up; the ARM lists answered
        Assert.Equal(expectedGraphCalls, server.Calls.ResourceGraph);
    }

    [Fact]
    public void Options_RunCommandTimeoutOutOfRange_RefusedWhenAClientIsBuilt()
    {
        var options = new AzureManagementClientOptions { RunCommandTimeout = TimeSpan.FromHours(2) };

        var error = Assert.Throws<OptionOutOfRangeException>(() => new ManagedClustersClient(new StaticTokenCredential("t"), options));

        Assert.Contains("RunCommandTimeout must be between 00:00:10 and 00:20:00", error.Message, StringComparison.Ordinal);
    }
}
