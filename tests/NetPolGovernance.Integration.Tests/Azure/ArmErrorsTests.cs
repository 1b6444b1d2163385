using Azure;
using Azure.Identity;
using NetPolGovernance.Connectors.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>The one description of an Azure failure that every ARM, Resource Graph and AKS reason uses.</summary>
public sealed class ArmErrorsTests
{
    [Fact]
    public void Describe_StatusCodeAndMessage_GivesAllThreeOnOneLine()
    {
        var ex = new RequestFailedException(403, "The client 'x' does not have authorization.\nStatus: 403 (Forbidden)", "AuthorizationFailed", null);

        Assert.Equal("HTTP 403 AuthorizationFailed: The client 'x' does not have authorization.", ArmErrors.Describe(ex));
    }

    [Fact]
    public void Describe_NoErrorCodeAndAzureCoreBoilerplate_GivesTheStatusOnly()
    {
        var ex = new RequestFailedException(500, "Service request failed.\nStatus: 500 (Internal Server Error)", null, null);

        Assert.Equal("HTTP 500", ArmErrors.Describe(ex));
    }

    [Fact]
    public void Describe_NoResponse_SaysSoInsteadOfHttpZero()
    {
        var ex = new RequestFailedException("Connection refused (127.0.0.1:443)");

        Assert.Equal("no response: Connection refused (127.0.0.1:443)", ArmErrors.Describe(ex));
    }

    [Fact]
    public void Describe_LongMessage_IsCutTo200Characters()
    {
        var ex = new RequestFailedException(400, new string('a', 500), "BadRequest", null);

        Assert.Equal("HTTP 400 BadRequest: " + new string('a', 200) + "…", ArmErrors.Describe(ex));
    }

    [Fact]
    public void CredentialFailure_NamesTheAudienceTheFirstLineAndWhatToDo()
    {
        var ex = new AuthenticationFailedException("DefaultAzureCredential failed to retrieve a token.\n- EnvironmentCredential is unavailable.");

        Assert.Equal(
            "the Azure credential could not get a token for ARM (DefaultAzureCredential failed to retrieve a token.): sign in again (az login) or check the managed identity",
            ArmErrors.CredentialFailure(ex, "ARM"));
    }
}
