using System.CommandLine;
using NetPolGovernance.Cli.Commands;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Azure;

namespace NetPolGovernance.Cli.Azure;

/// <summary>
/// The Azure scope and cloud options shared by <c>scan --azure</c> and <c>clusters list</c>:
/// <c>--subscription ID...</c>, <c>--management-group ID...</c>, <c>--cloud NAME</c>, <c>--arm-endpoint URL</c>.
/// One instance per command (an option belongs to one command).
/// </summary>
internal sealed class AzureCommandOptions
{
    private readonly Option<string[]> _subscriptions = new("--subscription")
    {
        Description = "Subscription id to scan (repeatable). Default: every subscription the identity can see.",
        HelpName = "ID",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> _managementGroups = new("--management-group")
    {
        Description = "Management group whose subscriptions to scan (repeatable).",
        HelpName = "ID",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string> _cloud = CliChoice.Create(
        "--cloud",
        "Azure cloud: its ARM endpoint, Resource Graph host, token audience and sign-in authority.",
        AzureCloudEnvironment.KnownNames,
        "AzureCloud");

    private readonly Option<string?> _armEndpoint = new("--arm-endpoint")
    {
        Description = "ARM endpoint of a custom cloud (https); Resource Graph and the token audience follow it.",
        HelpName = "URL",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_subscriptions);
        command.Options.Add(_managementGroups);
        command.Options.Add(_cloud);
        command.Options.Add(_armEndpoint);
    }

    /// <summary>Validates the options. Throws <see cref="ScanInputException"/> naming the bad value.</summary>
    public AzureConnectionSettings Resolve(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var subscriptions = Clean(parseResult.GetValue(_subscriptions));
        foreach (var subscription in subscriptions)
        {
            if (!Guid.TryParse(subscription, out _))
            {
                throw new ScanInputException($"--subscription '{subscription}' is not a subscription id (a GUID)");
            }
        }

        var groups = Clean(parseResult.GetValue(_managementGroups));
        if (subscriptions.Count > 0 && groups.Count > 0)
        {
            throw new ScanInputException("give --subscription or --management-group, not both");
        }

        AzureCloudEnvironment cloud;
        try
        {
            // The same resolution as the Functions app's NETPOLGOV_CLOUD / NETPOLGOV_ARM_ENDPOINT.
            cloud = AzureCloudEnvironment.Resolve(parseResult.GetValue(_cloud), parseResult.GetValue(_armEndpoint));
        }
        catch (ArgumentException ex)
        {
            throw new ScanInputException(ex.Message);
        }

        return new AzureConnectionSettings(cloud, new AzureInventoryScope { Subscriptions = subscriptions, ManagementGroups = groups });
    }

    private static List<string> Clean(string[]? values) =>
        values is null ? [] : [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
}

/// <summary>Where and what to read in Azure, from the command line.</summary>
internal sealed record AzureConnectionSettings(AzureCloudEnvironment Cloud, AzureInventoryScope Scope);
