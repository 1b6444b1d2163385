using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Service;
using NetPolGovernance.Service.DeadLetters;
using OpenTelemetry;

namespace NetPolGovernance.Functions;

/// <summary>
/// The Functions app's composition, shared by <c>Program</c> and the tests: validated settings, the Azure clients
/// (managed identity only), the scan service and telemetry. Registrations use TryAdd, so a test can supply its
/// own credential, client options or adapters first.
/// </summary>
public static class FunctionsComposition
{
    public static IServiceCollection AddNetPolGovernanceFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ScanServiceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ScanServiceOptions>, ScanServiceOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScanServiceOptions>, ScanServiceOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value;
            return CreateCredential(options.ManagedIdentityClientId, options.Cloud.AuthorityHost);
        });
        services.TryAddSingleton(_ => new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        services.TryAddSingleton(_ => new BlobClientOptions());
        services.TryAddSingleton(sp => new QueueServiceClient(
            sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.QueueServiceUri,
            sp.GetRequiredService<TokenCredential>(),
            sp.GetRequiredService<QueueClientOptions>()));
        services.TryAddSingleton(sp => new BlobServiceClient(
            sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.BlobServiceUri,
            sp.GetRequiredService<TokenCredential>(),
            sp.GetRequiredService<BlobClientOptions>()));

        AddAzureAdapters(services);

        services.TryAddSingleton<ScanQueue>();
        services.TryAddSingleton<ScanLedger>();
        services.TryAddSingleton<ScanPolicySource>();
        services.TryAddSingleton<ScanTelemetry>();
        services.TryAddSingleton<FleetScanner>();
        services.TryAddSingleton<FleetScanCoordinator>();
        services.TryAddSingleton<ClusterScanService>();
        services.TryAddSingleton<ServiceHealthCheck>();

        AddTelemetry(services, configuration);
        return services;
    }

    /// <summary>The outside world: Azure inventory (Resource Graph / ARM), the AKS collector and Log Analytics publishing (Logs Ingestion API).</summary>
    private static void AddAzureAdapters(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new AzureManagementClientOptions
        {
            Cloud = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.Cloud,
            RunCommandTimeout = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.RunCommandTimeout,
        });
        services.TryAddSingleton(_ => new AksCollectorOptions());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value;
            return new AzureInventoryScope { Subscriptions = options.SubscriptionIds, ManagementGroups = options.ManagementGroupIds };
        });

        // The live Kubernetes reader comes from the Kubernetes adapter; the rest of the Azure scan is composed once, by
        // AzureFleetScan, exactly as the CLI composes it (private clusters and unreachable API servers through runCommand).
        services.TryAddSingleton<IKubernetesClusterReader>(sp => new KubernetesSnapshotCollector(
            sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.Collector,
            sp.GetRequiredService<ILogger<KubernetesSnapshotCollector>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new AzureFleetScan(
            sp.GetRequiredService<TokenCredential>(),
            sp.GetRequiredService<AzureManagementClientOptions>(),
            sp.GetRequiredService<AksCollectorOptions>(),
            sp.GetRequiredService<AzureInventoryScope>(),
            sp.GetRequiredService<IKubernetesClusterReader>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IClusterInventory>(sp => sp.GetRequiredService<AzureFleetScan>().Inventory);
        // With a flows window, each cluster's snapshot carries its observed flows (ContainerNetworkLogs, resource-centric
        // on the cluster's resource id) for the runtime proof; a failed query makes NPG-N13 Unknown, never a pass.
        // The query API of the configured cloud (Azure Government and China have their own host and token audience).
        services.TryAddSingleton(sp => new LogAnalyticsQueryClient(
            sp.GetRequiredService<TokenCredential>(),
            LogAnalyticsQueryClientOptions.ForCloud(sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.Cloud, source: FunctionSettings.FlowsWindow + " with a custom cloud")));
        services.TryAddSingleton<ISnapshotCollector>(sp =>
        {
            var collector = sp.GetRequiredService<AzureFleetScan>().Collector;
            var options = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value;
            return options.FlowsWindow is { } window
                ? new FlowAttachingCollector(collector, new ContainerNetworkLogsFlowSource(sp.GetRequiredService<LogAnalyticsQueryClient>(), window))
                : collector;
        });

        // One cluster per delivery, within the same per-cluster deadline the CLI uses (it covers a runCommand read).
        services.TryAddSingleton(sp => new FleetScanOptions
        {
            MaxConcurrency = 1,
            PerClusterTimeout = AzureFleetScan.PerClusterDeadline(sp.GetRequiredService<AzureManagementClientOptions>(), sp.GetRequiredService<AksCollectorOptions>()),
        });

        services.TryAddSingleton(sp => new LogsIngestionClientOptions { Audience = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value.IngestionAudience });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value;
            return new LogsIngestionClient(
                options.LogsIngestionEndpoint ?? throw new InvalidOperationException($"{FunctionSettings.LogsIngestionEndpoint} is missing."),
                options.DcrImmutableId ?? throw new InvalidOperationException($"{FunctionSettings.DcrImmutableId} is missing."),
                sp.GetRequiredService<TokenCredential>(),
                sp.GetRequiredService<LogsIngestionClientOptions>());
        });
        services.TryAddSingleton<IDeadLetterStore>(sp => new BlobDeadLetterStore(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobDeadLetterStore.DefaultContainerName),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAssessmentPublisher>(sp => new LogAnalyticsPublisher(
            sp.GetRequiredService<LogsIngestionClient>(),
            sp.GetRequiredService<IDeadLetterStore>(),
            sp.GetRequiredService<ILogger<LogAnalyticsPublisher>>()));
    }

    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(ScanTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(ScanTelemetry.Name));

        var connectionString = configuration[FunctionSettings.ApplicationInsightsConnectionString];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // The exporter authenticates with Entra (the app's identity); App Insights local auth stays disabled.
            var credential = CreateCredential(configuration[FunctionSettings.ManagedIdentityClientId]);
            telemetry.UseAzureMonitorExporter(exporter =>
            {
                exporter.ConnectionString = connectionString;
                exporter.Credential = credential;
            });
        }
    }

    /// <summary>The managed identity in Azure; locally DefaultAzureCredential, signing in at the cloud's authority.</summary>
    private static TokenCredential CreateCredential(string? managedIdentityClientId, Uri? authorityHost = null) =>
        string.IsNullOrWhiteSpace(managedIdentityClientId)
            ? new DefaultAzureCredential(authorityHost is null ? new DefaultAzureCredentialOptions() : new DefaultAzureCredentialOptions { AuthorityHost = authorityHost })
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(managedIdentityClientId.Trim()));
}
