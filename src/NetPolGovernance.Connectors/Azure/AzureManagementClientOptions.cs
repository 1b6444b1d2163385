using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// Options shared by the ARM-plane clients (<see cref="ResourceGraphClient"/>, <see cref="SubscriptionsClient"/>,
/// <see cref="ManagedClustersClient"/>), like <c>ArmClientOptions</c> in Azure.ResourceManager. Retries are the
/// Azure.Core retry policy with a larger budget than its default (fleet jobs meet ARM 429s whose Retry-After
/// exceeds the default ~5.6 s budget) and a delay strategy that also reads Resource Graph's quota header.
/// </summary>
public sealed class AzureManagementClientOptions : ClientOptions
{
    public AzureManagementClientOptions()
    {
        Retry.MaxRetries = 6;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);
        RetryPolicy = new RetryPolicy(Retry.MaxRetries, new ArmThrottleDelayStrategy(Retry.Delay, Retry.MaxDelay));
    }

    /// <summary>The cloud to talk to. Default <see cref="AzureCloudEnvironment.AzureCloud"/>.</summary>
    public AzureCloudEnvironment Cloud { get; set; } = AzureCloudEnvironment.AzureCloud;

    /// <summary>Shortest wait between runCommand result polls when the service gives no Retry-After. Default 5 s.</summary>
    public TimeSpan RunCommandPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a runCommand result before giving up. Default 5 minutes.</summary>
    public TimeSpan RunCommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sets the retry budget (the Azure.Core <see cref="RetryPolicy"/> is rebuilt with the same delay strategy).</summary>
    public void SetMaxRetries(int maxRetries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        Retry.MaxRetries = maxRetries;
        RetryPolicy = new RetryPolicy(maxRetries, new ArmThrottleDelayStrategy(Retry.Delay, Retry.MaxDelay));
    }
}
