using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Connectors.Service;
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
        services.TryAddSingleton<TokenCredential>(sp => CreateCredential(sp.GetRequiredService<IOptions<ScanServiceOptions>>().Value));
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

    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(ScanTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(ScanTelemetry.Name));

        var connectionString = configuration[FunctionSettings.ApplicationInsightsConnectionString];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            telemetry.UseAzureMonitorExporter();
            services.AddOptions<AzureMonitorExporterOptions>()
                .Configure<TokenCredential>((exporter, credential) =>
                {
                    exporter.ConnectionString = connectionString;
                    exporter.Credential = credential;
                });
        }
    }

    private static TokenCredential CreateCredential(ScanServiceOptions options) =>
        options.ManagedIdentityClientId is { } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
}
