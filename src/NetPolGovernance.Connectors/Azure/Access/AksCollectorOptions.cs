namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>How <see cref="AksSnapshotCollector"/> reaches a cluster.</summary>
public sealed record AksCollectorOptions
{
    /// <summary>Private clusters go straight to runCommand (their API server is only reachable from linked VNets). Default true.</summary>
    public bool PreferRunCommandForPrivateClusters { get; init; } = true;

    /// <summary>Fall back to runCommand when the API server cannot be reached. Default true.</summary>
    public bool RunCommandFallback { get; init; } = true;

    /// <summary>How long a TCP connect to the API server may take before it counts as unreachable. Default 5 s.</summary>
    public TimeSpan ReachabilityTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The bounds of <see cref="ReachabilityTimeout"/>.</summary>
    public static readonly ValueRange<TimeSpan> ReachabilityTimeoutRange = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));

    /// <summary>The token scope for AKS API servers (the AKS Entra server app). Same in every Azure cloud.</summary>
    public string EntraScope { get; init; } = AzureCloudEnvironment.AksEntraScope;

    /// <summary>Throws <see cref="OptionOutOfRangeException"/> naming the first value out of its bounds.</summary>
    public void Validate() => OptionOutOfRangeException.ThrowIfOutside(ReachabilityTimeoutRange, ReachabilityTimeout, nameof(ReachabilityTimeout));
}
