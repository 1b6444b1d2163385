using Azure.Identity;
using NetPolGovernance.Connectors.Flows;

namespace NetPolGovernance.Cli.Azure;

/// <summary>Builds the Log Analytics query client <c>--flows-from-workspace</c> reads with. The seam tests replace to point at a loopback server.</summary>
internal interface IFlowQueryClientFactory
{
    LogAnalyticsQueryClient Create(Uri? endpoint);
}

/// <summary><see cref="DefaultAzureCredential"/> (so <c>az login</c> and managed identity work) on the public query endpoint, or the one given.</summary>
internal sealed class DefaultFlowQueryClientFactory : IFlowQueryClientFactory
{
    public LogAnalyticsQueryClient Create(Uri? endpoint)
    {
        var options = endpoint is null ? new LogAnalyticsQueryClientOptions() : LogAnalyticsQueryClientOptions.For(endpoint);
        return new LogAnalyticsQueryClient(new DefaultAzureCredential(), options);
    }
}
