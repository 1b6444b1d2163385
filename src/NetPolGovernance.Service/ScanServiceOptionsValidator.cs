using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Connectors.Azure;

namespace NetPolGovernance.Service;

/// <summary>
/// Checks <see cref="ScanServiceOptions"/> at start-up. Every message starts with the app setting's name and says
/// what it must be, so a misconfigured deployment fails with a sentence an operator can act on.
/// </summary>
public sealed partial class ScanServiceOptionsValidator : IValidateOptions<ScanServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, ScanServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.SettingErrors);

        if (options.ScanSchedule is null)
        {
            errors.Add($"{FunctionSettings.ScanSchedule} is missing: it must be a six-field NCRONTAB schedule, e.g. '{FunctionSettings.DefaultScanSchedule}' (every 6 hours).");
        }
        else if (!IsNcrontab(options.ScanSchedule))
        {
            errors.Add($"{FunctionSettings.ScanSchedule} is '{options.ScanSchedule}': it must be a six-field NCRONTAB schedule (second minute hour day month day-of-week), e.g. '{FunctionSettings.DefaultScanSchedule}'.");
        }

        RequireHttps(errors, FunctionSettings.StorageQueueServiceUri, options.QueueServiceUri, required: true, "the storage account's queue endpoint, e.g. https://<account>.queue.core.windows.net");
        RequireHttps(errors, FunctionSettings.StorageBlobServiceUri, options.BlobServiceUri, required: true, "the storage account's blob endpoint, e.g. https://<account>.blob.core.windows.net");
        RequireHttps(errors, FunctionSettings.LogsIngestionEndpoint, options.LogsIngestionEndpoint, required: true, "the data collection rule's logs ingestion endpoint, e.g. https://<dcr>.<region>-1.ingest.monitor.azure.com");
        RequireHttps(errors, FunctionSettings.ExemptionsBlobUrl, options.ExemptionsBlobUrl, required: false, "the URL of a blob holding the exemptions JSON");

        if (options.DcrImmutableId is null)
        {
            errors.Add($"{FunctionSettings.DcrImmutableId} is missing: it must be the data collection rule's immutable id, 'dcr-' followed by 32 hex digits.");
        }
        else if (!DcrImmutableIdPattern().IsMatch(options.DcrImmutableId))
        {
            errors.Add($"{FunctionSettings.DcrImmutableId} is '{options.DcrImmutableId}': it must be 'dcr-' followed by 32 hex digits (the rule's immutableId, not its ARM id).");
        }

        foreach (var subscription in options.SubscriptionIds.Where(s => !Guid.TryParse(s, out _)))
        {
            errors.Add($"{FunctionSettings.SubscriptionIds} contains '{subscription}': it must be a comma-separated list of subscription ids (GUIDs).");
        }

        if (options.DeclaredEngine is { } engine && !PolicyEngines.IsDeclarable(engine))
        {
            errors.Add($"{FunctionSettings.Engine} is '{engine}': it must be one of {string.Join(", ", PolicyEngines.DeclarableNames)}, or unset.");
        }

        if (options.InlinePolicy is not null && options.ExemptionsBlobUrl is not null)
        {
            errors.Add($"{FunctionSettings.Exemptions} and {FunctionSettings.ExemptionsBlobUrl} are both set: set one of them.");
        }

        if (!AzureManagementClientOptions.RunCommandTimeoutRange.Contains(options.RunCommandTimeout))
        {
            errors.Add($"{FunctionSettings.RunCommandTimeout} is {options.RunCommandTimeout:c}: it must be {AzureManagementClientOptions.RunCommandTimeoutRange}.");
        }

        if (options.FlowsWindow is not null && options.Cloud.LogAnalyticsQueryEndpoint is null)
        {
            errors.Add($"{FunctionSettings.FlowsWindow} is set with a custom cloud ({FunctionSettings.ArmEndpoint}): its Log Analytics query endpoint is not known, so flows cannot be read; unset {FunctionSettings.FlowsWindow}.");
        }

        if (options.FlowsWindow is { } window && !ScanServiceOptions.FlowsWindowRange.Contains(window))
        {
            errors.Add($"{FunctionSettings.FlowsWindow} is {window:c}: it must be {ScanServiceOptions.FlowsWindowRange}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequireHttps(List<string> errors, string setting, Uri? value, bool required, string meaning)
    {
        if (value is null)
        {
            if (required && !errors.Exists(e => e.StartsWith(setting + " ", StringComparison.Ordinal)))
            {
                errors.Add($"{setting} is missing: it must be {meaning}.");
            }
        }
        else if (value.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{setting} is '{value}': it must be an https URL ({meaning}); identity-based access needs TLS.");
        }
    }

    private static bool IsNcrontab(string schedule)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 6 && fields.All(f => NcrontabFieldPattern().IsMatch(f));
    }

    [GeneratedRegex("^dcr-[0-9a-fA-F]{32}$")]
    private static partial Regex DcrImmutableIdPattern();

    [GeneratedRegex(@"^[0-9A-Za-z*/,\-?]+$")]
    private static partial Regex NcrontabFieldPattern();
}
