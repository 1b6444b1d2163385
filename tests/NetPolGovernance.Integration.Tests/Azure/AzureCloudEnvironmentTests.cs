using System.Collections.Concurrent;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

public sealed class AzureCloudEnvironmentTests
{
    [Theory]
    [InlineData("AzureCloud", "https://management.azure.com/", "https://management.azure.com/.default", "https://login.microsoftonline.com/")]
    [InlineData("azureusgovernment", "https://management.usgovcloudapi.net/", "https://management.usgovcloudapi.net/.default", "https://login.microsoftonline.us/")]
    [InlineData("AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://management.chinacloudapi.cn/.default", "https://login.chinacloudapi.cn/")]
    public void FromName_KnownCloud_HasItsArmEndpointAudienceAndAuthority(string name, string endpoint, string scope, string authority)
    {
        // Act
        var cloud = AzureCloudEnvironment.FromName(name);

        // Assert
        Assert.NotNull(cloud);
        Assert.Equal(new Uri(endpoint), cloud.ArmEndpoint);
        Assert.Equal(scope, cloud.ArmScope);
        Assert.Equal(new Uri(authority), cloud.AuthorityHost);
    }

    [Fact]
    public void FromName_UnknownCloud_ReturnsNull()
    {
        Assert.Null(AzureCloudEnvironment.FromName("AzureGermanCloud"));
    }

    [Fact]
    public void Custom_ArmEndpointWithPath_AudienceFollowsTheEndpointOrigin()
    {
        // Act
        var cloud = AzureCloudEnvironment.Custom(new Uri("https://arm.contoso.example:8443/stack"));

        // Assert
        Assert.Equal("Custom", cloud.Name);
        Assert.Equal(new Uri("https://arm.contoso.example:8443/stack/"), cloud.ArmEndpoint);
        Assert.Equal("https://arm.contoso.example:8443/.default", cloud.ArmScope);
    }

    [Fact]
    public void Custom_PlainHttpEndpoint_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => AzureCloudEnvironment.Custom(new Uri("http://arm.contoso.example/")));
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_UsGovernmentCloud_CallsItsArmHostWithItsAudience()
    {
        // Arrange: requests addressed to management.usgovcloudapi.net are delivered to the loopback server.
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 3)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var credential = new StaticTokenCredential(fleet.AcceptedToken);
        var redirect = new LoopbackRedirectHandler(server.Endpoint) { InnerHandler = server.CreateTrustingHandler() };
        var options = server.CreateClientOptions();
        options.Cloud = AzureCloudEnvironment.AzureUSGovernment;
        options.Transport = new HttpClientTransport(redirect);
        var inventory = new AzureClusterInventory(
            new ResourceGraphClient(credential, options),
            new SubscriptionsClient(credential, options),
            new ManagedClustersClient(credential, options),
            new AzureInventoryScope(),
            NullLogger<AzureClusterInventory>.Instance);

        // Act
        var targets = await AzureTestFleet.ListAllAsync(inventory);

        // Assert
        Assert.Equal(3, targets.Count);
        Assert.All(credential.RequestedScopes, scope => Assert.Equal("https://management.usgovcloudapi.net/.default", scope));
        Assert.NotEmpty(redirect.OriginalHosts);
        Assert.All(redirect.OriginalHosts, host => Assert.Equal("management.usgovcloudapi.net", host));
    }

    /// <summary>Records the host a request was addressed to and delivers it to the loopback server instead.</summary>
    private sealed class LoopbackRedirectHandler(Uri loopback) : DelegatingHandler
    {
        private readonly ConcurrentQueue<string> _hosts = new();

        public IReadOnlyList<string> OriginalHosts => [.. _hosts];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _hosts.Enqueue(request.RequestUri!.Host);
            request.RequestUri = new UriBuilder(request.RequestUri) { Host = loopback.Host, Port = loopback.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
