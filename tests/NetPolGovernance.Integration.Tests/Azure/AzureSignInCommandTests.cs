using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Azure;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>
/// A failed Azure sign-in through the real parser: one <c>error:</c> line that says what to do, exit 1, and no
/// made-up target in any output.
/// </summary>
public sealed class AzureSignInCommandTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "credential", "scan" },
        { "credential", "clusters" },
        { "wrong-token", "scan" },
        { "wrong-token", "clusters" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AzureCommand_SignInFails_PrintsOneErrorLineNamingAzLoginAndExitsUsageError(string failure, string command)
    {
        // Arrange
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 2)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, TestContext.Current.CancellationToken);
        var credential = failure == "credential"
            ? new StaticTokenCredential("unused")
            {
                Failure = "DefaultAzureCredential failed to retrieve a token from the included credentials.\n- AzureCliCredential: Please run 'az login' to set up account.\n   at Azure.Identity.DefaultAzureCredential.GetTokenImplAsync()",
            }
            : new StaticTokenCredential("token-for-another-tenant");
        using var cli = new CliHarness { Overrides = services => services.AddSingleton<IAzureClientFactory>(new CredentialFactory(server, credential)) };
        cli.Error.Profile.Width = 10_000; // as the CLI sets a redirected stderr: one message, one line

        // Act
        var exitCode = command == "scan"
            ? await cli.RunAsync("scan", "--azure", "--format", "json")
            : await cli.RunAsync("clusters", "list", "--format", "json");

        // Assert
        Assert.Equal(ExitCodes.UsageError, exitCode);
        var line = Assert.Single(cli.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("az login", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", cli.StandardError + cli.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Azure sign-in", cli.StandardError + cli.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("token-for-another-tenant", cli.StandardError + cli.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("aks-s1-c000", cli.StandardOutput, StringComparison.Ordinal);
        if (failure == "wrong-token")
        {
            Assert.Contains($"az login --tenant {fleet.Subscriptions[0].TenantId}", line, StringComparison.Ordinal);
        }
    }

    private sealed class CredentialFactory(AzureLoopbackServer server, TokenCredential credential) : IAzureClientFactory
    {
        public AzureConnection Create(AzureConnectionSettings settings) => new(credential, server.CreateClientOptions());
    }
}
