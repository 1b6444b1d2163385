using Azure;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

public sealed class AzureSignInExceptionTests
{
    [Fact]
    public void Refused_Forbidden_NamesTheReaderRoleAndTheCloudOnOneLine()
    {
        // Arrange
        var forbidden = new RequestFailedException(403, "The client 'x' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read'.\nMore detail", "AuthorizationFailed", null);

        // Act
        var error = AzureSignInException.Refused(forbidden, "AzureUSGovernment");

        // Assert
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("AzureUSGovernment", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 403 AuthorizationFailed", error.Message, StringComparison.Ordinal);
        Assert.Contains("Reader on the subscriptions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refused_UnauthorizedWithoutChallenge_AsksForTheTenantOfTheSubscriptions()
    {
        // Act
        var error = AzureSignInException.Refused(new RequestFailedException(401, "The access token is invalid.", "InvalidAuthenticationToken", null), "AzureCloud");

        // Assert
        Assert.Contains("`az login --tenant <tenant id of the subscriptions>`", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer authorization_uri=\"https://login.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d\", error=\"invalid_token\"", "`az login --tenant 33e01921-4d64-4f8c-a055-5bdaffd5e33d`")]
    [InlineData("Bearer authorization_uri=\"https://login.windows.net/contoso.onmicrosoft.com/oauth2/authorize\", error=\"invalid_token\"", "`az login --tenant contoso.onmicrosoft.com`")]
    [InlineData("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"", "`az login --tenant <tenant id of the subscriptions>`")]
    public async Task Refused_UnauthorizedChallenge_NamesTheTenantItCarries(string challenge, string expected)
    {
        // Arrange: a real 401 answer with that challenge, read through the ARM client.
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 1)], UnauthorizedChallenge = challenge };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var client = new SubscriptionsClient(new StaticTokenCredential("not-accepted"), server.CreateClientOptions());
        RequestFailedException? refused = null;
        try
        {
            await foreach (var subscription in client.GetSubscriptionsAsync(TestContext.Current.CancellationToken))
            {
                Assert.Fail($"no subscription expected: {subscription.SubscriptionId}");
            }
        }
        catch (RequestFailedException ex)
        {
            refused = ex;
        }

        // Act
        var error = AzureSignInException.Refused(Assert.IsType<RequestFailedException>(refused), "AzureCloud");

        // Assert
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
