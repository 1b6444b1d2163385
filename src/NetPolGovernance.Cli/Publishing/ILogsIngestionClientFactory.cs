using Azure.Identity;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Cli.Publishing;

/// <summary>Creates the Logs Ingestion client for <c>--publish</c> (a seam so tests can point it at a loopback endpoint).</summary>
internal interface ILogsIngestionClientFactory
{
    LogsIngestionClient Create(Uri endpoint, string immutableId, LogsIngestionAudience audience);
}

/// <summary>The real client: <see cref="DefaultAzureCredential"/> (az login, managed identity, environment, ...).</summary>
internal sealed class DefaultCredentialLogsIngestionClientFactory : ILogsIngestionClientFactory
{
    public LogsIngestionClient Create(Uri endpoint, string immutableId, LogsIngestionAudience audience) =>
        new(endpoint, immutableId, new DefaultAzureCredential(), new LogsIngestionClientOptions { Audience = audience });
}
