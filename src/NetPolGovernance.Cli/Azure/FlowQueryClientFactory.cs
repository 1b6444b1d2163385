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
        var options = new LogAnalyticsQueryClientOptions();
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
            options.Scope = endpoint.GetLeftPart(UriPartial.Authority) + "/.default";
        }

        return new LogAnalyticsQueryClient(new DefaultAzureCredential(), options);
    }
}
