using Microsoft.Extensions.Time.Testing;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

public sealed class EntraTokenProviderTests
{
    [Fact]
    public async Task GetAuthenticationHeaderAsync_TokenFarFromExpiry_IsServedFromCache()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var credential = new StaticTokenCredential("entra", TimeSpan.FromMinutes(60), time);
        using var provider = new EntraTokenProvider(credential, time, AzureCloudEnvironment.AksEntraScope);

        // Act
        await provider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(50));
        var header = await provider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal("entra", header.Parameter);
        Assert.Equal([AzureCloudEnvironment.AksEntraScope], credential.RequestedScopes);
    }

    [Fact]
    public async Task GetAuthenticationHeaderAsync_WithinFiveMinutesOfExpiry_RefreshesFirst()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var credential = new StaticTokenCredential("entra", TimeSpan.FromMinutes(60), time);
        using var provider = new EntraTokenProvider(credential, time, AzureCloudEnvironment.AksEntraScope);
        await provider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);

        // Act
        time.Advance(TimeSpan.FromMinutes(56));
        await provider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(2, credential.RequestedScopes.Count);
    }
}
