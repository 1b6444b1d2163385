using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetPolGovernance.Service;
using NetPolGovernance.Functions;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>Builds the Functions app's real host (the same composition as Program) with the given app settings.</summary>
internal static class FunctionsTestHost
{
    public static Dictionary<string, string?> ValidSettings() => new()
    {
        [FunctionSettings.ConfigurationKey(FunctionSettings.ScanSchedule)] = FunctionSettings.DefaultScanSchedule,
        [FunctionSettings.ConfigurationKey(FunctionSettings.StorageQueueServiceUri)] = "https://127.0.0.1:10001/devstoreaccount1",
        [FunctionSettings.ConfigurationKey(FunctionSettings.StorageBlobServiceUri)] = "https://127.0.0.1:10000/devstoreaccount1",
        [FunctionSettings.ConfigurationKey(FunctionSettings.StorageCredential)] = "managedidentity",
        [FunctionSettings.ConfigurationKey(FunctionSettings.StorageClientId)] = "11111111-2222-3333-4444-555555555555",
        [FunctionSettings.ConfigurationKey(FunctionSettings.ManagedIdentityClientId)] = "11111111-2222-3333-4444-555555555555",
        [FunctionSettings.ConfigurationKey(FunctionSettings.SubscriptionIds)] = "9a0f6b4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b",
        [FunctionSettings.ConfigurationKey(FunctionSettings.LogsIngestionEndpoint)] = "https://dcr-test.eastus-1.ingest.monitor.azure.com",
        [FunctionSettings.ConfigurationKey(FunctionSettings.DcrImmutableId)] = "dcr-0123456789abcdef0123456789abcdef",
        [FunctionSettings.ConfigurationKey(FunctionSettings.Profile)] = "strict",
    };

    public static IHost Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Environment.EnvironmentName = Environments.Development;
        builder.Configuration.AddInMemoryCollection(settings);

        // What the Functions host passes a worker it launches; nothing listens there, and no test starts the gRPC channel.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            ["Functions:Worker:WorkerId"] = "test-worker",
            ["Functions:Worker:RequestId"] = "test-request",
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
        });
        before?.Invoke(builder.Services);
        builder.Services.AddNetPolGovernanceFunctions(builder.Configuration);
        return builder.Build();
    }
}
