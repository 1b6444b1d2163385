using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Integration.Tests.Azure;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>
/// ARM and Logs Ingestion servers that echo the request (its Authorization header, a SAS URL) into their error
/// messages: the reason a report or a log carries has the credential removed.
/// </summary>
public sealed class ServerEchoRedactionTests
{
    private const string ArmToken = "loopback-arm-token-that-must-not-leak";

    [Fact]
    public async Task ArmRefusalEchoingTheRequest_ReasonCarriesNoCredential()
    {
        // Arrange
        var forbidden = AzureTestFleet.Subscription(3, clusters: 1, forbidden: true);
        var fleet = new AzureFleetDescription { Subscriptions = [forbidden], AcceptedToken = ArmToken, EchoCredentialsInErrors = true, ResourceGraphRefused = true };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope(), new StaticTokenCredential(ArmToken));

        // Act
        var targets = await inventory.ListAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        // Assert: the refusal is reported, and what the server echoed is there without its secrets.
        var reason = Assert.Single(targets, t => t.UnreadableReason is not null).UnreadableReason!;
        Assert.Contains("AuthorizationFailed", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ArmToken, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("ArmEchoedSignature0123456789", reason, StringComparison.Ordinal);
        Assert.Contains(CredentialRedaction.Marker, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsIngestionErrorEchoingTheRequest_FailureCarriesNoCredential()
    {
        // Arrange
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        server.EchoCredentials = true;
        server.FailAlways(400);
        var client = server.CreateClient(maxRetries: 0);

        // Act
        var result = await client.UploadAsync(
            Connectors.LogAnalytics.LogAnalyticsSchema.ClusterScans.StreamName,
            [System.Text.Encoding.UTF8.GetBytes("""{"RowId":"r1"}""")],
            TestContext.Current.CancellationToken);

        // Assert: the whole exception, as a log would print it, holds neither the token nor the signature.
        var failure = Assert.Single(result.Failures);
        var printed = failure.Error.ToString();
        Assert.Contains("HTTP 400", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Token, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(LoopbackLogsIngestionServer.EchoedSasSignature, printed, StringComparison.Ordinal);
        Assert.Contains(CredentialRedaction.Marker, printed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization: Bearer abc.def-ghi", "abc.def-ghi")]
    [InlineData("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz")]
    [InlineData("see https://a.blob.core.windows.net/c/x?sv=2024-11-04&se=2026&sig=AbC%2Bdef%3D", "AbC%2Bdef%3D")]
    [InlineData("token=s3cr3t-value&x=1", "s3cr3t-value")]
    [InlineData("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl here", "eyJzdWIiOiIxMjM0NTY3ODkwIn0")]
    public void Redact_EchoedCredential_IsRemoved(string text, string secret)
    {
        var redacted = CredentialRedaction.Redact(text)!;

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(CredentialRedaction.Marker, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ArmMessageWithoutCredentials_IsUnchanged()
    {
        const string Message = "The client 'x' with object id 'y' does not have authorization to perform action 'read' over scope '/subscriptions/1' or the scope is invalid.";

        Assert.Equal(Message, ArmErrors.FirstLine(Message));
    }
}
