using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Service;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>
/// The per-cluster deadline is one value, derived from the runCommand timeout, the same in the CLI and the Functions
/// app (they once disagreed: 6 min in the CLI, 2 min in the Functions app, while runCommand alone may take 5 min).
/// </summary>
public sealed class ClusterDeadlineTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("00:00:10")]
    [InlineData("00:12:00")]
    [InlineData("00:20:00")]
    public void Functions_PerClusterDeadline_CoversTheRunCommandTimeoutAndTheProbe(string? runCommandTimeout)
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.RunCommandTimeout)] = runCommandTimeout;
        using var host = FunctionsTestHost.Build(settings, services => services.AddSingleton<IKubernetesClusterReader>(new UnreachableClusterReader()));

        var management = host.Services.GetRequiredService<AzureManagementClientOptions>();
        var access = host.Services.GetRequiredService<AksCollectorOptions>();
        var deadline = host.Services.GetRequiredService<FleetScanOptions>().PerClusterTimeout;

        Assert.Equal(runCommandTimeout is null ? AzureManagementClientOptions.DefaultRunCommandTimeout : TimeSpan.Parse(runCommandTimeout, System.Globalization.CultureInfo.InvariantCulture), management.RunCommandTimeout);
        Assert.True(deadline >= management.RunCommandTimeout + access.ReachabilityTimeout + TimeSpan.FromSeconds(30), $"deadline {deadline} does not cover runCommand {management.RunCommandTimeout} after a {access.ReachabilityTimeout} probe");
        Assert.Equal(host.Services.GetRequiredService<AzureFleetScan>().PerClusterTimeout, deadline);
    }

    [Fact]
    public void CliAndFunctions_SameOptions_SamePerClusterDeadline()
    {
        using var host = FunctionsTestHost.Build(FunctionsTestHost.ValidSettings(), services => services.AddSingleton<IKubernetesClusterReader>(new UnreachableClusterReader()));
        var functions = host.Services.GetRequiredService<FleetScanOptions>().PerClusterTimeout;

        var connection = new AzureConnection(new StaticTokenCredential("t"), new AzureManagementClientOptions());
        var cli = AzureScanSource.CreateSession(connection, new AzureInventoryScope(), new UnreachableClusterReader(), NullLoggerFactory.Instance).ScanOptions.PerClusterTimeout;

        Assert.Equal(functions, cli);
        Assert.True(cli > AzureManagementClientOptions.DefaultRunCommandTimeout);
    }

    [Fact]
    public void HostJson_FunctionTimeout_OutlastsTheLongestPerClusterDeadlinePlusPublishing()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!;
        var functionTimeout = TimeSpan.Parse(hostJson["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        var longest = AzureFleetScan.PerClusterDeadline(
            new AzureManagementClientOptions { RunCommandTimeout = AzureManagementClientOptions.RunCommandTimeoutRange.Max },
            new AksCollectorOptions());

        Assert.True(functionTimeout >= longest + TimeSpan.FromMinutes(5), $"functionTimeout {functionTimeout} leaves less than 5 min after the longest deadline {longest}");
    }
}
