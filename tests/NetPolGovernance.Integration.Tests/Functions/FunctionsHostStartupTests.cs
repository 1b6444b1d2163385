using NetPolGovernance.Service;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Testing.Functions;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>The built worker under the loopback Functions host refuses to start on a bad app setting, and says which one.</summary>
public sealed class FunctionsHostStartupTests
{
    [Fact]
    public async Task Start_DcrIdIsTheArmResourceId_WorkerStopsBeforeServingAndNamesTheSetting()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new LoopbackFunctionsHostOptions
        {
            AppDirectory = FunctionsHostFixture.AppDirectory(),
            AppSettings = new Dictionary<string, string>
            {
                [FunctionSettings.ScanSchedule] = FunctionSettings.DefaultScanSchedule,
                [FunctionSettings.StorageQueueServiceUri] = "https://127.0.0.1:9/netpolgov00",
                [FunctionSettings.StorageBlobServiceUri] = "https://127.0.0.1:9/netpolgov00",
                [FunctionSettings.ManagedIdentityClientId] = "5c0ffee0-1234-4abc-9def-001122334455",
                [FunctionSettings.LogsIngestionEndpoint] = "https://dcr-test.eastus-1.ingest.monitor.azure.com",
                [FunctionSettings.DcrImmutableId] = "/subscriptions/3b6f2c1d-7a8e-4f90-b1c2-d3e4f5a6b7c8/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/netpolgov",
            },
            Credential = new StaticTokenCredential("unused"),
        };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => LoopbackFunctionsHost.StartAsync(options, ct));

        Assert.Contains(FunctionSettings.DcrImmutableId, failure.Message, StringComparison.Ordinal);
        Assert.Contains("'dcr-' followed by 32 hex digits", failure.Message, StringComparison.Ordinal);
    }
}
