namespace NetPolGovernance.Connectors.Scanning;

/// <summary>How a fleet scan fans out. <see cref="Validate"/> is the one check of its bounds; hosts report <see cref="MaxConcurrencyRange"/> in their own words.</summary>
public sealed record FleetScanOptions
{
    /// <summary>The default of <see cref="MaxConcurrency"/>.</summary>
    public const int DefaultMaxConcurrency = 16;

    /// <summary>The bounds of <see cref="MaxConcurrency"/>.</summary>
    public static readonly ValueRange<int> MaxConcurrencyRange = new(1, 256);

    /// <summary>The bounds of <see cref="PerClusterTimeout"/>.</summary>
    public static readonly ValueRange<TimeSpan> PerClusterTimeoutRange = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));

    /// <summary>
    /// Clusters collected at once. Default 16: enough to hide 20 ms API round trips behind two cores of analysis, while a
    /// 25,000-pod cluster in flight holds about 12 MB (docs/scale.md).
    /// </summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>
    /// The one deadline for one cluster's collection; collectors keep no deadline of their own. Default 2 minutes
    /// (manifests and kubeconfig contexts); the Azure scan derives its own (<c>AzureFleetScan.PerClusterDeadline</c>).
    /// </summary>
    public TimeSpan PerClusterTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws <see cref="OptionOutOfRangeException"/> naming the first value out of its bounds.</summary>
    public void Validate()
    {
        OptionOutOfRangeException.ThrowIfOutside(MaxConcurrencyRange, MaxConcurrency, nameof(MaxConcurrency));
        OptionOutOfRangeException.ThrowIfOutside(PerClusterTimeoutRange, PerClusterTimeout, nameof(PerClusterTimeout));
    }
}

/// <summary>Progress of a fleet scan, reported once per finished cluster.</summary>
public sealed record FleetScanProgress(string ClusterName, int Completed, Analysis.Assessment.ClusterScanStatus Status);
