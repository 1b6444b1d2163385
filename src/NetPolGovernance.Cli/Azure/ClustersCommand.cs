using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Cli.Commands;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;
using Spectre.Console;

namespace NetPolGovernance.Cli.Azure;

/// <summary><c>netpolgov clusters</c>: a group; it runs nothing on its own.</summary>
internal sealed class ClustersCommand : Command
{
    public ClustersCommand(ClustersListCommand list)
        : base("clusters", "AKS clusters the scanner can see.")
    {
        ArgumentNullException.ThrowIfNull(list);
        Subcommands.Add(list);
    }
}

/// <summary>
/// <c>netpolgov clusters list [--subscription ID...] [--management-group ID...] [--cloud NAME] [--arm-endpoint URL] [--format table|json]</c>:
/// every AKS cluster in scope with its network profile and how it would be reached. Exit 0, or 3 when part of the
/// scope could not be listed (a forbidden subscription), 1 for bad input or a failed Azure sign-in (one line naming `az login`).
/// </summary>
internal sealed class ClustersListCommand : BaseCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    private readonly AzureCommandOptions _options = new();
    private readonly Option<string> _format = CliChoice.Create("--format", "Output format.", ["table", "json"], "table", "-f");
    private readonly IAzureClientFactory _clients;
    private readonly IInteractionService _interaction;
    private readonly IKubernetesClusterReader _reader;
    private readonly ILoggerFactory _loggerFactory;

    public ClustersListCommand(IAzureClientFactory clients, IKubernetesClusterReader reader, IInteractionService interaction, ILoggerFactory loggerFactory)
        : base("list", "List the AKS clusters in scope: identity, network profile, access hints, skip reasons.")
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clients = clients;
        _reader = reader;
        _interaction = interaction;
        _loggerFactory = loggerFactory;
        _options.AddTo(this);
        Options.Add(_format);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        AzureConnectionSettings settings;
        try
        {
            settings = _options.Resolve(parseResult);
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }

        var fleet = _clients.Create(settings).CreateFleetScan(settings.Scope, _reader, _loggerFactory);
        var targets = new List<ClusterTarget>();
        try
        {
            await foreach (var target in fleet.Inventory.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                targets.Add(target);
                if (target.UnreadableReason is { } reason)
                {
                    _interaction.DisplayWarning($"{target.Identity.Name}: {reason}");
                }
            }
        }
        catch (AzureSignInException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }

        var listings = targets.Select(t => ClusterListing.From(t, fleet.AccessOptions)).ToList();
        if (string.Equals(parseResult.GetValue(_format), "json", StringComparison.OrdinalIgnoreCase))
        {
            var stream = _interaction.OpenStandardOutput();
            await JsonSerializer.SerializeAsync(stream, listings, s_json, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            WriteTable(targets, listings);
        }

        return targets.Any(t => t.UnreadableReason is not null) ? ExitCodes.Incomplete : ExitCodes.Compliant;
    }

    private void WriteTable(List<ClusterTarget> targets, List<ClusterListing> listings)
    {
        var table = new Table().AddColumns("Cluster", "Subscription", "Resource group", "Location", "Kubernetes", "Plugin", "Mode", "Policy", "Dataplane", "OS", "Access", "Status");
        foreach (var row in listings)
        {
            table.AddRow(
                Cell(row.Name),
                Cell(row.SubscriptionId),
                Cell(row.ResourceGroup),
                Cell(row.Location),
                Cell(row.KubernetesVersion),
                Cell(row.NetworkPlugin),
                Cell(row.NetworkPluginMode),
                Cell(row.NetworkPolicy),
                Cell(row.NetworkDataplane),
                Cell(string.Join(',', row.NodePoolOsTypes)),
                Cell(row.Access),
                Cell(row.Status));
        }

        _interaction.Output.Write(table);
        _interaction.Output.WriteLine($"{targets.Count(t => t.UnreadableReason is null)} clusters; {targets.Count(t => t.SkipReason is not null)} skipped; {targets.Count(t => t.UnreadableReason is not null)} unreadable scopes");
    }

    private static Markup Cell(string? text) => new((text ?? "-").EscapeMarkup());

    /// <summary>One line of <c>clusters list</c> (also its JSON shape).</summary>
    internal sealed record ClusterListing(
        string Name,
        string? ResourceId,
        string? SubscriptionId,
        string? ResourceGroup,
        string? Location,
        string? KubernetesVersion,
        string? NetworkPlugin,
        string? NetworkPluginMode,
        string? NetworkPolicy,
        string? NetworkDataplane,
        IReadOnlyList<string> NodePoolOsTypes,
        string Access,
        string Status,
        string? Reason)
    {
        public static ClusterListing From(ClusterTarget target, AksCollectorOptions accessOptions)
        {
            var access = target.UnreadableReason is not null || target.Aks is null
                ? "-"
                : AksAccessPlan.Describe(AksAccessPlan.Decide(target.Aks, accessOptions));
            var status = target.UnreadableReason is not null ? "Unknown" : target.SkipReason is not null ? "Skipped" : "Scannable";
            var profile = target.NetworkProfile;
            return new ClusterListing(
                target.Identity.Name,
                target.Identity.ResourceId,
                target.Identity.SubscriptionId,
                target.Identity.ResourceGroup,
                target.Identity.Location,
                target.Identity.KubernetesVersion,
                profile?.NetworkPlugin,
                profile?.NetworkPluginMode,
                profile?.NetworkPolicy,
                profile?.NetworkDataplane,
                profile?.NodePoolOsTypes ?? [],
                access,
                status,
                target.UnreadableReason ?? target.SkipReason);
        }
    }
}
