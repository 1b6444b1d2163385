using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Service;
using NetPolGovernance.Functions;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

public sealed class FunctionsCompositionTests
{
    private static readonly Type[] s_functionClasses = typeof(FunctionsComposition).Assembly.GetTypes()
        .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
        .ToArray();

    [Fact]
    public void FunctionClasses_Discovered_AreTheFiveTriggers()
    {
        var names = s_functionClasses.Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["Health", "ScanCluster", "ScanClusterPoison", "ScanNow", "ScheduleFleetScan"], names);
    }

    [Fact]
    public void Compose_ValidSettings_ResolvesEveryFunctionClassAndPassesStartupValidation()
    {
        using var host = FunctionsTestHost.Build(FunctionsTestHost.ValidSettings(), AddAdapterFakes);

        var validator = host.Services.GetRequiredService<IStartupValidator>();
        validator.Validate();
        var functions = s_functionClasses.Select(t => ActivatorUtilities.CreateInstance(host.Services, t)).ToList();

        Assert.Equal(s_functionClasses.Length, functions.Count);
        Assert.All(functions, Assert.NotNull);
        Assert.Equal(Analysis.Assessment.ComplianceProfile.Strict, host.Services.GetRequiredService<IOptions<ScanServiceOptions>>().Value.Profile);
    }

    [Fact]
    public void Compose_EngineSetting_IsReadLowerCasedIntoTheScanOptions()
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.Engine)] = " Antrea ";
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("antrea", host.Services.GetRequiredService<IOptions<ScanServiceOptions>>().Value.DeclaredEngine);
    }

    [Fact]
    public void Compose_OwnerKeysSetting_IsReadInOrderIntoTheScanOptions()
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.OwnerKeys)] = " squad, cost-owner ,squad";
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(["squad", "cost-owner"], host.Services.GetRequiredService<IOptions<ScanServiceOptions>>().Value.OwnerKeys);
    }

    [Fact]
    public void Compose_ApplicationInsightsConfigured_BuildsTheTracerAndMeterProviders()
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ApplicationInsightsConnectionString] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/";
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        var tracer = host.Services.GetService<OpenTelemetry.Trace.TracerProvider>();
        var meter = host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>();

        Assert.NotNull(tracer);
        Assert.NotNull(meter);
    }

    [Theory]
    [InlineData(FunctionSettings.DcrImmutableId, null, "NETPOLGOV_DCR_IMMUTABLE_ID is missing: it must be the data collection rule's immutable id")]
    [InlineData(FunctionSettings.DcrImmutableId, "/subscriptions/x/dataCollectionRules/y", "NETPOLGOV_DCR_IMMUTABLE_ID is '/subscriptions/x/dataCollectionRules/y': it must be 'dcr-' followed by 32 hex digits")]
    [InlineData(FunctionSettings.LogsIngestionEndpoint, null, "NETPOLGOV_LOGS_INGESTION_ENDPOINT is missing: it must be the data collection rule's logs ingestion endpoint")]
    [InlineData(FunctionSettings.LogsIngestionEndpoint, "http://dcr.example", "NETPOLGOV_LOGS_INGESTION_ENDPOINT is 'http://dcr.example/': it must be an https URL")]
    [InlineData(FunctionSettings.StorageQueueServiceUri, null, "NetPolGovernanceStorage__queueServiceUri is missing: it must be the storage account's queue endpoint")]
    [InlineData(FunctionSettings.StorageCredential, "connectionstring", "NetPolGovernanceStorage__credential is 'connectionstring': it must be 'managedidentity' or unset")]
    [InlineData(FunctionSettings.ScanSchedule, null, "NETPOLGOV_SCAN_SCHEDULE is missing: it must be a six-field NCRONTAB schedule")]
    [InlineData(FunctionSettings.ScanSchedule, "0 */6 * * *", "NETPOLGOV_SCAN_SCHEDULE is '0 */6 * * *': it must be a six-field NCRONTAB schedule")]
    [InlineData(FunctionSettings.Profile, "lenient", "NETPOLGOV_PROFILE is 'lenient': it must be cis, baseline or strict.")]
    [InlineData(FunctionSettings.Engine, "flannel", "NETPOLGOV_ENGINE is 'flannel': it must be one of cilium, calico, antrea, kube-router, weave-net, azure-npm, none, or unset.")]
    [InlineData(FunctionSettings.OwnerKeys, "team,,owner", "NETPOLGOV_OWNER_KEYS: an owner key is empty")]
    [InlineData(FunctionSettings.SubscriptionIds, "prod-subscription", "NETPOLGOV_SUBSCRIPTION_IDS contains 'prod-subscription': it must be a comma-separated list of subscription ids (GUIDs).")]
    [InlineData(FunctionSettings.Exemptions, "[{\"namespace\":\"legacy\"}]", "NETPOLGOV_EXEMPTIONS:1: exemption 1: owner: is required")]
    [InlineData(FunctionSettings.Exemptions, "{\"profile\":\"strict\",\"exemptionz\":[]}", "NETPOLGOV_EXEMPTIONS: unknown field 'exemptionz'")]
    [InlineData(FunctionSettings.Exemptions, "[{\"namespace\":\"legacy\",\"owner\":\"a\",\"reason\":\"b\",\"expiresOn\":\"soon\"}]", "NETPOLGOV_EXEMPTIONS:1: exemption 1: expiresOn: 'soon' is not a date")]
    [InlineData(FunctionSettings.RunCommandTimeout, "five minutes", "NETPOLGOV_RUNCOMMAND_TIMEOUT is 'five minutes': it must be a duration hh:mm:ss")]
    [InlineData(FunctionSettings.RunCommandTimeout, "01:00:00", "NETPOLGOV_RUNCOMMAND_TIMEOUT is 01:00:00: it must be between 00:00:10 and 00:20:00.")]
    [InlineData(FunctionSettings.FlowsWindow, "a week", "NETPOLGOV_FLOWS_WINDOW is 'a week': it must be a duration hh:mm:ss or d.hh:mm:ss")]
    [InlineData(FunctionSettings.FlowsWindow, "00:10:00", "NETPOLGOV_FLOWS_WINDOW is 00:10:00: it must be between 01:00:00 and 30.00:00:00.")]
    [InlineData(FunctionSettings.Cloud, "AzureGermanCloud", "NETPOLGOV_CLOUD 'AzureGermanCloud' is not a known cloud: use AzureCloud, AzureUSGovernment, AzureChinaCloud, or NETPOLGOV_ARM_ENDPOINT for another.")]
    [InlineData(FunctionSettings.ArmEndpoint, "http://management.contoso.example/", "NETPOLGOV_ARM_ENDPOINT 'http://management.contoso.example/' is not an absolute https URL.")]
    [InlineData(FunctionSettings.ArmEndpoint, "https://management.contoso.example/", "NETPOLGOV_ARM_ENDPOINT names a custom cloud: set NETPOLGOV_INGESTION_AUDIENCE")]
    [InlineData(FunctionSettings.IngestionAudience, "mars", "NETPOLGOV_INGESTION_AUDIENCE is 'mars': Unknown Logs Ingestion audience 'mars'")]
    [InlineData("NETPOLGOV_MAX_PAGES_PER_LIST", "0", "NETPOLGOV_MAX_PAGES_PER_LIST is '0': it must be between 1 and 1000000.")]
    [InlineData("NETPOLGOV_MAX_CLUSTER_BYTES", "lots", "NETPOLGOV_MAX_CLUSTER_BYTES is 'lots': it must be a size in bytes")]
    [InlineData("NETPOLGOV_REQUEST_TIMEOUT", "2h", "NETPOLGOV_REQUEST_TIMEOUT is '2h': it must be between 100ms and 1h.")]
    [InlineData(FunctionSettings.RetiredClusterTimeout, "00:02:00", "NETPOLGOV_CLUSTER_TIMEOUT is no longer read: the per-cluster deadline is derived from NETPOLGOV_RUNCOMMAND_TIMEOUT")]
    public async Task Start_InvalidSetting_FailsWithTheSettingNameAndWhatItMustBe(string setting, string? value, string expected)
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ConfigurationKey(setting)] = value;
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SeveralInvalidSettings_ReportsEveryOneAtOnce()
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.DcrImmutableId)] = null;
        settings[FunctionSettings.ConfigurationKey(FunctionSettings.StorageBlobServiceUri)] = "not a url";
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("NetPolGovernanceStorage__blobServiceUri is 'not a url': it must be an absolute https URL.", StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_CollectorBoundSettings_ReachTheLiveKubernetesCollector()
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings["NETPOLGOV_MAX_CLUSTER_BYTES"] = "1GiB";
        settings["NETPOLGOV_REQUEST_TIMEOUT"] = "90s";
        settings["NETPOLGOV_MAX_PAGES_PER_LIST"] = "50";
        using var host = FunctionsTestHost.Build(settings);

        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var collector = Assert.IsType<KubernetesSnapshotCollector>(host.Services.GetRequiredService<IKubernetesClusterReader>());

        Assert.Equal(1024L * 1024 * 1024, collector.Options.MaxClusterBytes);
        Assert.Equal(TimeSpan.FromSeconds(90), collector.Options.RequestTimeout);
        Assert.Equal(50, collector.Options.MaxPagesPerList);
        Assert.Equal(new KubernetesCollectorOptions().MaxItemsPerList, collector.Options.MaxItemsPerList);
    }

    [Fact]
    public void Compose_FlowsWindow_AttachesObservedFlowsToEachClusterSnapshot()
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.FlowsWindow] = "1.00:00:00";
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<FlowAttachingCollector>(host.Services.GetRequiredService<ISnapshotCollector>());
        Assert.Equal(TimeSpan.FromDays(1), host.Services.GetRequiredService<IOptions<ScanServiceOptions>>().Value.FlowsWindow);
    }

    [Theory]
    [InlineData("AzureCloud", "https://api.loganalytics.io/", "https://api.loganalytics.io/.default")]
    [InlineData("AzureUSGovernment", "https://api.loganalytics.us/", "https://api.loganalytics.us/.default")]
    [InlineData("AzureChinaCloud", "https://api.loganalytics.azure.cn/", "https://api.loganalytics.azure.cn/.default")]
    public void Compose_FlowsWindow_QueriesTheConfiguredCloudsLogAnalyticsApi(string cloud, string endpoint, string scope)
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.FlowsWindow] = "1.00:00:00";
        settings[FunctionSettings.Cloud] = cloud;
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        var client = host.Services.GetRequiredService<NetPolGovernance.Connectors.Flows.LogAnalyticsQueryClient>();
        Assert.Equal((new Uri(endpoint), scope), (client.Endpoint, client.Scope));
    }

    // The live Kubernetes reader is composed once the Kubernetes adapter is on main; until then the tests supply one.
    private static void AddAdapterFakes(IServiceCollection services) =>
        services.AddSingleton<IKubernetesClusterReader>(new UnreachableClusterReader());

    [Fact]
    public void Compose_ValidSettings_UsesTheAzureInventoryAndTheLogAnalyticsPublisher()
    {
        using var host = FunctionsTestHost.Build(FunctionsTestHost.ValidSettings(), AddAdapterFakes);

        Assert.IsType<AzureClusterInventory>(host.Services.GetRequiredService<IClusterInventory>());
        Assert.IsType<AksSnapshotCollector>(host.Services.GetRequiredService<ISnapshotCollector>());
        Assert.IsType<LogAnalyticsPublisher>(host.Services.GetRequiredService<IAssessmentPublisher>());
        Assert.Equal(["9a0f6b4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b"], host.Services.GetRequiredService<AzureInventoryScope>().Subscriptions);
        Assert.Equal("dcr-0123456789abcdef0123456789abcdef", host.Services.GetRequiredService<LogsIngestionClient>().RuleId);
    }

    [Theory]
    [InlineData("AzureUSGovernment", null, null, "https://management.usgovcloudapi.net/", "https://monitor.azure.us")]
    [InlineData("AzureChinaCloud", null, null, "https://management.chinacloudapi.cn/", "https://monitor.azure.cn")]
    [InlineData(null, null, null, "https://management.azure.com/", "https://monitor.azure.com")]
    [InlineData(null, "https://management.contoso.example/", "https://monitor.contoso.example", "https://management.contoso.example/", "https://monitor.contoso.example")]
    public void Compose_CloudSettings_SetTheArmEndpointScopeAndIngestionAudienceAsTheCliDoes(
        string? cloud,
        string? armEndpoint,
        string? audience,
        string expectedArm,
        string expectedIngestion)
    {
        var settings = FunctionsTestHost.ValidSettings();
        settings[FunctionSettings.Cloud] = cloud;
        settings[FunctionSettings.ArmEndpoint] = armEndpoint;
        settings[FunctionSettings.IngestionAudience] = audience;
        using var host = FunctionsTestHost.Build(settings, AddAdapterFakes);

        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var arm = host.Services.GetRequiredService<AzureManagementClientOptions>().Cloud;
        var ingestion = host.Services.GetRequiredService<LogsIngestionClientOptions>().Audience;

        Assert.Equal(expectedArm, arm.ArmEndpoint.ToString());
        Assert.Equal(new Uri(expectedArm).GetLeftPart(UriPartial.Authority) + "/.default", arm.ArmScope);
        Assert.Equal(expectedIngestion, ingestion.Resource);
        Assert.Equal(AzureCloudEnvironment.Resolve(cloud, armEndpoint), arm); // the CLI's resolution
    }
}
