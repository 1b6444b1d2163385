namespace NetPolGovernance.Connectors.Scanning;

/// <summary>How a fleet scan fans out.</summary>
public sealed record FleetScanOptions
{
    /// <summary>The default of <see cref="MaxConcurrency"/>.</summary>
    public const int DefaultMaxConcurrency = 16;

    /// <summary>
    /// Clusters collected at once. Default 16: enough to hide 20 ms API round trips behind two cores of analysis, while a
    /// 25,000-pod cluster in flight holds about 12 MB (docs/scale.md).
    /// </summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>Deadline for one cluster's collection. Default 2 minutes.</summary>
    public TimeSpan PerClusterTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>Progress of a fleet scan, reported once per finished cluster.</summary>
public sealed record FleetScanProgress(string ClusterName, int Completed, Analysis.Assessment.ClusterScanStatus Status);
