using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Commands;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Publishing;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Cli.Reports.Html;
using NetPolGovernance.Cli.Reports.Json;
using NetPolGovernance.Cli.Reports.Junit;
using NetPolGovernance.Cli.Reports.Sarif;
using NetPolGovernance.Cli.Reports.Summary;
using NetPolGovernance.Cli.Reports.Table;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Cli.Simulation;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli;

/// <summary>
/// The CLI's composition root. Extension points, each a list resolved from the container:
/// <list type="bullet">
/// <item><see cref="Command"/>: top-level commands under <c>netpolgov</c>;</item>
/// <item><see cref="IScanSource"/>: what <c>scan</c> can read (manifests, kubeconfig contexts, Azure, a simulated fleet);</item>
/// <item><see cref="IScanResultSink"/>: where results go besides the report (publishing);</item>
/// <item><see cref="IReportFormat"/>: values of <c>--format</c>.</item>
/// </list>
/// </summary>
internal static class CliServices
{
    /// <param name="interaction">All console I/O.</param>
    /// <param name="loggerFactory">Logging (stderr in the real CLI).</param>
    /// <param name="timeProvider">The clock; the analysis receives its "now" from here.</param>
    /// <param name="overrides">Registrations applied last (tests add fake sources and sinks, or replace seams such as the Logs Ingestion client factory).</param>
    public static ServiceProvider Build(
        IInteractionService interaction,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        Action<IServiceCollection>? overrides = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(interaction);
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(timeProvider);
        services.AddSingleton(CliEnvironment.FromProcess());

        // One live collector serves kubeconfig contexts and, behind the AKS collector, Azure clusters.
        services.AddSingleton(provider => new KubernetesSnapshotCollector(
            new KubernetesCollectorOptions(),
            provider.GetRequiredService<ILogger<KubernetesSnapshotCollector>>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(KubeconfigEnvironment.FromProcess());
        services.AddSingleton<IScanSource, ManifestsScanSource>();
        services.AddSingleton<IScanSource, KubeconfigScanSource>();

        services.AddSingleton<ILogsIngestionClientFactory, DefaultCredentialLogsIngestionClientFactory>();
        services.AddSingleton<IScanResultSink, LogAnalyticsSink>();

        services.AddSingleton<IReportFormat, TableReportFormat>();
        services.AddSingleton<IReportFormat, JsonReportFormat>();
        services.AddSingleton<IReportFormat, JsonlReportFormat>();
        services.AddSingleton<IReportFormat, SarifReportFormat>();
        services.AddSingleton<IReportFormat, HtmlReportFormat>();
        services.AddSingleton<IReportFormat, SummaryReportFormat>();
        services.AddSingleton<IReportFormat, JunitReportFormat>();

        services.AddSingleton<IAzureClientFactory, DefaultAzureClientFactory>();
        services.AddSingleton<IFlowQueryClientFactory, DefaultFlowQueryClientFactory>();
        services.AddSingleton<IKubernetesClusterReader>(provider => provider.GetRequiredService<KubernetesSnapshotCollector>());
        services.AddSingleton<IScanSource, AzureScanSource>();
        services.AddSingleton<IScanSource, SimulatedFleetScanSource>();
        services.AddSingleton<ClustersListCommand>();

        services.AddSingleton<Command, ScanCommand>();
        services.AddSingleton<Command, ClustersCommand>();
        services.AddSingleton<Command, ReachCommand>();
        services.AddSingleton<Command, RemediateCommand>();
        services.AddSingleton<Command, StageCommand>();
        services.AddSingleton<Command, LintCommand>();
        services.AddSingleton<Command, DiffCommand>();
        services.AddSingleton<Command, SimulateCommand>();
        services.AddSingleton<Command, VersionCommand>();
        services.AddSingleton<Command, CompletionCommand>();
        services.AddSingleton<GlobalOptions>();
        services.AddSingleton(provider =>
        {
            var root = new RootCommand("netpolgov: Kubernetes network-policy governance for AKS fleets, per namespace.");
            foreach (var command in provider.GetServices<Command>())
            {
                root.Subcommands.Add(command);
            }

            var globals = provider.GetRequiredService<GlobalOptions>();
            globals.AddTo(root);
            SetGlobals(root, globals);

            // --version prints what `netpolgov version` prints (version, commit, report schema), not the bare assembly version.
            var interaction = provider.GetRequiredService<IInteractionService>();
            foreach (var version in root.Options.OfType<VersionOption>())
            {
                version.Action = new VersionOptionAction(interaction);
            }

            return root;
        });
        overrides?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static void SetGlobals(Command command, GlobalOptions globals)
    {
        if (command is BaseCommand baseCommand)
        {
            baseCommand.Globals = globals;
        }

        foreach (var subcommand in command.Subcommands)
        {
            SetGlobals(subcommand, globals);
        }
    }
}
