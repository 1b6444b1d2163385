using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Kubernetes.Collection;

namespace NetPolGovernance.Service;

/// <summary>
/// Reads <see cref="ScanServiceOptions"/> from the flat app-setting names of <see cref="FunctionSettings"/>.
/// A value that is present but unreadable is kept as a setting error for <see cref="ScanServiceOptionsValidator"/>,
/// so start-up reports every problem at once.
/// </summary>
public sealed class ScanServiceOptionsSetup : IConfigureOptions<ScanServiceOptions>
{
    private readonly IConfiguration _configuration;

    public ScanServiceOptionsSetup(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    public void Configure(ScanServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ScanSchedule = Read(FunctionSettings.ScanSchedule);
        options.QueueServiceUri = ReadUri(options, FunctionSettings.StorageQueueServiceUri);
        options.BlobServiceUri = ReadUri(options, FunctionSettings.StorageBlobServiceUri);
        var credential = Read(FunctionSettings.StorageCredential);
        options.StorageUsesManagedIdentity = string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase);
        if (credential is not null && !options.StorageUsesManagedIdentity)
        {
            options.SettingErrors.Add($"{FunctionSettings.StorageCredential} is '{credential}': it must be 'managedidentity' or unset (keys and connection strings are not supported).");
        }

        options.StorageClientId = Read(FunctionSettings.StorageClientId);
        options.ManagedIdentityClientId = Read(FunctionSettings.ManagedIdentityClientId);
        options.SubscriptionIds = ReadList(FunctionSettings.SubscriptionIds);
        options.ManagementGroupIds = ReadList(FunctionSettings.ManagementGroupIds);
        options.LogsIngestionEndpoint = ReadUri(options, FunctionSettings.LogsIngestionEndpoint);
        options.DcrImmutableId = Read(FunctionSettings.DcrImmutableId);
        options.ExemptionsBlobUrl = ReadUri(options, FunctionSettings.ExemptionsBlobUrl);
        options.ApplicationInsightsConnectionString = Read(FunctionSettings.ApplicationInsightsConnectionString);

        if (Read(FunctionSettings.Profile) is { } profile)
        {
            Try(options, () => options.Profile = ComplianceProfiles.Parse(profile, FunctionSettings.Profile));
        }

        options.DeclaredEngine = Read(FunctionSettings.Engine)?.ToLowerInvariant();

        if (Read(FunctionSettings.OwnerKeys) is { } ownerKeys)
        {
            Try(options, () => options.OwnerKeys = Analysis.Assessment.OwnerKeys.Parse(ownerKeys.Split(','), FunctionSettings.OwnerKeys));
        }

        if (Read(FunctionSettings.Exemptions) is { } exemptions)
        {
            Try(options, () => options.InlinePolicy = ScanPolicyDocument.Parse(exemptions, FunctionSettings.Exemptions));
        }

        if (Read(FunctionSettings.RunCommandTimeout) is { } timeout)
        {
            if (TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var value))
            {
                options.RunCommandTimeout = value;
            }
            else
            {
                options.SettingErrors.Add($"{FunctionSettings.RunCommandTimeout} is '{timeout}': it must be a duration hh:mm:ss, e.g. 00:05:00.");
            }
        }

        if (Read(FunctionSettings.FlowsWindow) is { } window)
        {
            if (TimeSpan.TryParse(window, CultureInfo.InvariantCulture, out var value))
            {
                options.FlowsWindow = value;
            }
            else
            {
                options.SettingErrors.Add($"{FunctionSettings.FlowsWindow} is '{window}': it must be a duration hh:mm:ss or d.hh:mm:ss, e.g. 1.00:00:00 for a day.");
            }
        }

        ReadCloud(options);
        ReadCollectorBounds(options);

        if (Read(FunctionSettings.RetiredClusterTimeout) is not null)
        {
            options.SettingErrors.Add(
                $"{FunctionSettings.RetiredClusterTimeout} is no longer read: the per-cluster deadline is derived from {FunctionSettings.RunCommandTimeout} so that it always covers a runCommand read; remove it (and set {FunctionSettings.RunCommandTimeout} if the default 00:05:00 does not suit).");
        }
    }

    /// <summary>The cloud and the ingestion audience, with the CLI's rules (one definition: <see cref="AzureCloudEnvironment.Resolve"/>).</summary>
    private void ReadCloud(ScanServiceOptions options)
    {
        try
        {
            options.Cloud = AzureCloudEnvironment.Resolve(Read(FunctionSettings.Cloud), Read(FunctionSettings.ArmEndpoint), FunctionSettings.Cloud, FunctionSettings.ArmEndpoint);
        }
        catch (ArgumentException ex)
        {
            options.SettingErrors.Add(ex.Message + ".");
            return;
        }

        if (Read(FunctionSettings.IngestionAudience) is { } audience)
        {
            try
            {
                options.IngestionAudience = NetPolGovernance.Connectors.LogAnalytics.LogsIngestionAudience.Parse(audience);
            }
            catch (ArgumentException ex)
            {
                options.SettingErrors.Add($"{FunctionSettings.IngestionAudience} is '{audience}': {ex.Message.Split(" (Parameter", 2)[0]}");
            }
        }
        else if (options.Cloud.IngestionAudience is { } fromCloud)
        {
            options.IngestionAudience = fromCloud;
        }
        else
        {
            options.SettingErrors.Add(
                $"{FunctionSettings.ArmEndpoint} names a custom cloud: set {FunctionSettings.IngestionAudience} to its Logs Ingestion audience (an https resource) too.");
        }
    }

    /// <summary>The read bounds, parsed and range-checked by the one definition the CLI flags use.</summary>
    private void ReadCollectorBounds(ScanServiceOptions options)
    {
        foreach (var bound in CollectorBounds.All)
        {
            if (Read(bound.SettingName) is { } value)
            {
                Try(options, () => options.Collector = bound.Apply(options.Collector, value, bound.SettingName));
            }
        }
    }

    private string? Read(string name)
    {
        var value = _configuration[FunctionSettings.ConfigurationKey(name)];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private string[] ReadList(string name) =>
        Read(name)?.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private Uri? ReadUri(ScanServiceOptions options, string name)
    {
        var value = Read(name);
        if (value is null)
        {
            return null;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return uri;
        }

        options.SettingErrors.Add($"{name} is '{value}': it must be an absolute https URL.");
        return null;
    }

    private static void Try(ScanServiceOptions options, Action read)
    {
        try
        {
            read();
        }
        catch (FormatException ex)
        {
            options.SettingErrors.Add(ex.Message);
        }
    }
}
