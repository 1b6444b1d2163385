using Azure.Core;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Options for <see cref="LogsIngestionClient"/>. Retries (429, 408, 5xx, honouring <c>Retry-After</c>) come from
/// <see cref="ClientOptions.Retry"/>; the defaults here allow 5 retries with a 0.8 s exponential base.
/// </summary>
public sealed class LogsIngestionClientOptions : ClientOptions
{
    public const string ApiVersion = "2023-01-01";

    public LogsIngestionClientOptions()
    {
        Retry.MaxRetries = 5;
        Retry.Mode = RetryMode.Exponential;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);

        // One hung request must not stall a scan for Azure.Core's default 100 s a try: a 1 MiB gzip batch is sent in
        // well under this on any working network, and a timed-out try is retried like any transient failure.
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>The token audience; sovereign clouds use <see cref="LogsIngestionAudience.AzureGovernment"/> or <see cref="LogsIngestionAudience.AzureChina"/>.</summary>
    public LogsIngestionAudience Audience { get; set; } = LogsIngestionAudience.AzurePublicCloud;

    /// <summary>Batches in flight at once. Default 5 (as the Azure SDK).</summary>
    public int MaxConcurrency { get; set; } = 5;

    /// <summary>Largest uncompressed request body. Default and maximum 1 MiB (the service limit).</summary>
    public int MaxBodyBytes { get; set; } = RowBatcher.MaxBodyBytes;
}

/// <summary>The Entra audience of the Logs Ingestion API in each cloud.</summary>
public sealed record LogsIngestionAudience(string Resource)
{
    public static LogsIngestionAudience AzurePublicCloud { get; } = new("https://monitor.azure.com");

    public static LogsIngestionAudience AzureGovernment { get; } = new("https://monitor.azure.us");

    public static LogsIngestionAudience AzureChina { get; } = new("https://monitor.azure.cn");

    /// <summary>The token scope, <c>{resource}//.default</c>, as the Azure SDK spells it.</summary>
    public string Scope => Resource.TrimEnd('/') + "//.default";

    /// <summary>Parses <c>public</c>, <c>usgov</c> / <c>government</c>, <c>china</c>, or an explicit https resource.</summary>
    public static LogsIngestionAudience Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "PUBLIC" or "AZUREPUBLICCLOUD" => AzurePublicCloud,
        "USGOV" or "GOVERNMENT" or "AZUREGOVERNMENT" or "AZUREUSGOVERNMENT" => AzureGovernment,
        "CHINA" or "AZURECHINA" or "AZURECHINACLOUD" => AzureChina,
        _ when Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps =>
            new LogsIngestionAudience(uri.GetLeftPart(UriPartial.Authority)),
        _ => throw new ArgumentException(
            $"Unknown Logs Ingestion audience '{value}': use public, usgov, china or an https resource URI.", nameof(value)),
    };
}
