using System.Text.Json;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

public sealed class AzureClusterInventoryTests
{
    [Fact]
    public async Task ListAsync_ResourceGraphSpansThreePages_ReturnsEveryClusterExactlyOnce()
    {
        // Arrange: 25 clusters, Resource Graph pages of 10 → 3 pages chained by $skipToken.
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 12), AzureTestFleet.Subscription(2, 13)],
            ResourceGraphMaxPageSize = 10,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope());

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        Assert.Equal(25, targets.Count);
        Assert.Equal(25, targets.Select(t => t.Identity.ResourceId!.ToLowerInvariant()).Distinct().Count());
        Assert.Equal(3, server.Calls.ResourceGraph);
        Assert.Equal(0, server.Calls.ClusterLists);
        Assert.All(targets, t => Assert.Null(t.SkipReason));
        Assert.All(targets, t => Assert.Equal("cilium", t.NetworkProfile!.NetworkPolicy));
    }

    [Fact]
    public async Task ListAsync_OneSubscriptionForbidden_ReportsItUnknownAndListsTheRest()
    {
        // Arrange: Resource Graph silently filters the forbidden subscription out; ARM says 403.
        var forbidden = AzureTestFleet.Subscription(2, 3, forbidden: true);
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 2), forbidden, AzureTestFleet.Subscription(3, 1)],
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope());

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        var unreadable = Assert.Single(targets, t => t.UnreadableReason is not null);
        Assert.Equal(forbidden.SubscriptionId, unreadable.Identity.SubscriptionId);
        Assert.Contains("(HTTP 403 AuthorizationFailed: The client does not have authorization", unreadable.UnreadableReason, StringComparison.Ordinal);
        Assert.Contains("Reader", unreadable.UnreadableReason, StringComparison.Ordinal);
        Assert.Equal(3, targets.Count(t => t.UnreadableReason is null));
        Assert.DoesNotContain(targets, t => t.Identity.SubscriptionId == forbidden.SubscriptionId && t.UnreadableReason is null);
    }

    [Fact]
    public async Task ListAsync_ResourceGraphThrottledOnce_WaitsRetryAfterAndCompletes()
    {
        // Arrange
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 4)],
            ResourceGraphThrottledRequests = 1,
            ThrottleRetryAfterSeconds = 1,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope { Subscriptions = [fleet.Subscriptions[0].SubscriptionId] });
        var started = DateTimeOffset.UtcNow;

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        Assert.Equal(4, targets.Count);
        Assert.Equal(1, server.Calls.Throttled);
        Assert.Equal(2, server.Calls.ResourceGraph);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the retry must wait the server's Retry-After");
    }

    [Fact]
    public async Task ListAsync_ResourceGraphRefused_FallsBackToArmListsWithNextLinkPaging()
    {
        // Arrange: 150 clusters in one subscription → two ARM pages (100 + 50) chained by nextLink.
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [AzureTestFleet.Subscription(1, 150), AzureTestFleet.Subscription(2, 5)],
            ResourceGraphRefused = true,
            ArmListPageSize = 100,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope());

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        Assert.Equal(155, targets.Count);
        Assert.Equal(155, targets.Select(t => t.Identity.ResourceId!.ToLowerInvariant()).Distinct().Count());
        Assert.Equal(1, server.Calls.ResourceGraph);
        Assert.Equal(1, server.Calls.SubscriptionLists);
        Assert.Equal(3, server.Calls.ClusterLists);
    }

    [Fact]
    public async Task ListAsync_StoppedClustersAreSkipped_FailedClustersAreScanned()
    {
        // Arrange
        var subscription = AzureTestFleet.Subscription(1, 0) with
        {
            Clusters =
            [
                new SimulatedCluster { Name = "running" },
                new SimulatedCluster { Name = "stopped", PowerState = "Stopped" },
                new SimulatedCluster { Name = "broken", ProvisioningState = "Failed" },
            ],
        };
        await using var server = await AzureLoopbackServer.StartAsync(new AzureFleetDescription { Subscriptions = [subscription] }, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope());

        // Act
        var targets = (await AzureTestFleet.ListAllAsync(inventory)).ToDictionary(t => t.Identity.Name);

        // Assert
        Assert.Equal(3, targets.Count);
        Assert.Null(targets["running"].SkipReason);
        Assert.Contains("powerState Stopped", targets["stopped"].SkipReason, StringComparison.Ordinal);
        Assert.Null(targets["broken"].SkipReason);
        Assert.Equal("Failed", targets["broken"].Aks!.ProvisioningState);
    }

    [Fact]
    public async Task ListAsync_ManagementGroupScope_ListsOnlyItsSubscriptions()
    {
        // Arrange
        var a = AzureTestFleet.Subscription(1, 2);
        var b = AzureTestFleet.Subscription(2, 3);
        var c = AzureTestFleet.Subscription(3, 4);
        var fleet = new AzureFleetDescription
        {
            Subscriptions = [a, b, c],
            ManagementGroups = new Dictionary<string, IReadOnlyList<string>> { ["Production"] = [a.SubscriptionId, c.SubscriptionId] },
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope { ManagementGroups = ["Production", "Unknown-MG"] });

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        Assert.Equal(6, targets.Count(t => t.UnreadableReason is null));
        Assert.DoesNotContain(targets, t => t.Identity.SubscriptionId == b.SubscriptionId);
        var group = Assert.Single(targets, t => t.UnreadableReason is not null);
        Assert.Contains("Unknown-MG", group.UnreadableReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ExplicitSubscriptionThatDoesNotExist_ReportsItUnknown()
    {
        // Arrange
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 2)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        const string missing = "99999999-0000-4000-8000-000000000000";
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope { Subscriptions = [fleet.Subscriptions[0].SubscriptionId, missing] });

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        Assert.Equal(2, targets.Count(t => t.UnreadableReason is null));
        var unknown = Assert.Single(targets, t => t.UnreadableReason is not null);
        Assert.Equal(missing, unknown.Identity.SubscriptionId);
        Assert.Contains("SubscriptionNotFound", unknown.UnreadableReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_CredentialFails_ThrowsSignInExceptionWithOneLineOfAdviceAndNoTarget()
    {
        // Arrange
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 1)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var credential = new StaticTokenCredential("x") { Failure = "AADSTS700082: The refresh token has expired.\n   at Azure.Identity.MsalClient.Acquire()" };
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope(), credential);
        var targets = new List<ClusterTarget>();

        // Act
        var error = await Assert.ThrowsAsync<AzureSignInException>(async () =>
        {
            await foreach (var target in inventory.ListAsync(TestContext.Current.CancellationToken))
            {
                targets.Add(target);
            }
        });

        // Assert
        Assert.Empty(targets);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("AADSTS700082", error.Message, StringComparison.Ordinal);
        Assert.Contains("`az login`", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Calls.Total);
    }

    [Fact]
    public async Task ListAsync_WrongBearerToken_ThrowsSignInExceptionNamingTheStatusAndTheTenant()
    {
        // Arrange: the server accepts another token (a token for the wrong tenant or audience).
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 1)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope(), new StaticTokenCredential("token-for-another-tenant"));

        // Act
        var error = await Assert.ThrowsAsync<AzureSignInException>(() => AzureTestFleet.ListAllAsync(inventory));

        // Assert
        Assert.Contains("HTTP 401 InvalidAuthenticationToken", error.Message, StringComparison.Ordinal);
        Assert.Contains($"`az login --tenant {fleet.Subscriptions[0].TenantId}`", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token-for-another-tenant", error.Message, StringComparison.Ordinal);
        Assert.True(server.Calls.Unauthorized >= 1);
    }

    [Fact]
    public async Task ListAsync_WrongBearerTokenOnNamedSubscriptions_ThrowsOnceInsteadOfOneUnknownPerSubscription()
    {
        // Arrange: explicit subscriptions, so the 401 comes from Resource Graph and then from each ARM list.
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 1), AzureTestFleet.Subscription(2, 1)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var scope = new AzureInventoryScope { Subscriptions = [.. fleet.Subscriptions.Select(s => s.SubscriptionId)] };
        var inventory = AzureTestFleet.Inventory(server, scope, new StaticTokenCredential("expired"));

        // Act
        var error = await Assert.ThrowsAsync<AzureSignInException>(() => AzureTestFleet.ListAllAsync(inventory));

        // Assert
        Assert.Contains("HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.Contains("az login --tenant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ResourceGraphQuotaExhausted_WaitsForTheResetBeforeTheNextPage()
    {
        // Arrange: a quota of 2 queries per 1 s window and 3 pages to read.
        var fleet = new AzureFleetDescription
        {
            ResourceGraphQuotaWindow = TimeSpan.FromSeconds(1),
            Subscriptions = [AzureTestFleet.Subscription(1, 6)],
            ResourceGraphMaxPageSize = 2,
            ResourceGraphQuotaPerWindow = 2,
        };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope { Subscriptions = [fleet.Subscriptions[0].SubscriptionId] });

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert: the third page was asked for only after the window reset, so nothing was throttled.
        Assert.Equal(6, targets.Count);
        Assert.Equal(3, server.Calls.ResourceGraph);
        Assert.Equal(0, server.Calls.Throttled);
    }

    [Fact]
    public void ToTarget_UpstreamListExample_MapsIdentityProfileAndHints()
    {
        // Arrange: the upstream ManagedClustersList example, as ARM returns it.
        var body = AzurePayloads.Body(AzurePayloads.ManagedClustersList)["value"]![0]!.ToJsonString();
        using var document = JsonDocument.Parse(body);
        var cluster = ManagedCluster.FromJson(document.RootElement)!;

        // Act
        var target = AzureClusterInventory.ToTarget(cluster);

        // Assert
        Assert.Equal("clustername1", target.Identity.Name);
        Assert.Equal("00000000-0000-0000-0000-000000000000", target.Identity.SubscriptionId);
        Assert.Equal("rg1", target.Identity.ResourceGroup);
        Assert.Equal("location1", target.Identity.Location);
        Assert.Equal("1.9.6", target.Identity.KubernetesVersion);
        Assert.Equal("kubenet", target.NetworkProfile!.NetworkPlugin);
        Assert.Null(target.NetworkProfile.NetworkPolicy);
        Assert.Null(target.NetworkProfile.NetworkDataplane);
        Assert.Equal(["Linux"], target.NetworkProfile.NodePoolOsTypes);
        Assert.Null(target.SkipReason);
        Assert.Equal("dnsprefix1-abcd1234.hcp.eastus.azmk8s.io", target.Aks!.Fqdn);
        Assert.False(target.Aks.EntraEnabled);
        Assert.False(target.Aks.PrivateCluster);
    }
}
