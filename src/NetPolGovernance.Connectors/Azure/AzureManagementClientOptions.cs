using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// Options shared by the ARM-plane clients (<see cref="ResourceGraphClient"/>, <see cref="SubscriptionsClient"/>,
/// <see cref="ManagedClustersClient"/>), like <c>ArmClientOptions</c> in Azure.ResourceManager. The standard
/// <see cref="ClientOptions.Retry"/> settings are honoured as set when a client is built; the defaults give a larger
/// budget than Azure.Core's (fleet jobs meet ARM 429s whose Retry-After exceeds its ~5.6 s budget), and the delay
/// strategy also reads Resource Graph's quota header. A <see cref="ClientOptions.RetryPolicy"/> set by the caller
/// replaces all of that.
/// </summary>
public sealed class AzureManagementClientOptions : ClientOptions
{
    /// <summary>The default of <see cref="RunCommandTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRunCommandTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The bounds of <see cref="RunCommandTimeout"/> (a runCommand pod needs a minute to start; the per-cluster deadline built on it must fit a Functions execution).</summary>
    public static readonly ValueRange<TimeSpan> RunCommandTimeoutRange = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(20));

    /// <summary>The bounds of <see cref="RunCommandPollInterval"/>.</summary>
    public static readonly ValueRange<TimeSpan> RunCommandPollIntervalRange = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));

    public AzureManagementClientOptions()
    {
        Retry.MaxRetries = 6;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);
    }

    /// <summary>The cloud to talk to. Default <see cref="AzureCloudEnvironment.AzureCloud"/>.</summary>
    public AzureCloudEnvironment Cloud { get; set; } = AzureCloudEnvironment.AzureCloud;

    /// <summary>Shortest wait between runCommand result polls when the service gives no Retry-After. Default 5 s.</summary>
    public TimeSpan RunCommandPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a runCommand result before giving up. Default 5 minutes.</summary>
    public TimeSpan RunCommandTimeout { get; set; } = DefaultRunCommandTimeout;

    /// <summary>Throws <see cref="OptionOutOfRangeException"/> naming the first value out of its bounds.</summary>
    public void Validate()
    {
        OptionOutOfRangeException.ThrowIfOutside(RunCommandTimeoutRange, RunCommandTimeout, nameof(RunCommandTimeout));
        OptionOutOfRangeException.ThrowIfOutside(RunCommandPollIntervalRange, RunCommandPollInterval, nameof(RunCommandPollInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(Retry.MaxRetries);
    }

    /// <summary>The retry policy a client is built with: the caller's, or the standard settings with the ARM throttle-aware delays.</summary>
    internal HttpPipelinePolicy CreateRetryPolicy() =>
        RetryPolicy ?? new RetryPolicy(Retry.MaxRetries, new ArmThrottleDelayStrategy(Retry.Delay, Retry.MaxDelay));
}
