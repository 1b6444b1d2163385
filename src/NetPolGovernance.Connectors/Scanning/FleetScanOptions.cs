namespace NetPolGovernance.Connectors.Scanning;

/// <summary>How a fleet scan fans out.</summary>
public sealed record FleetScanOptions
{
    /// <summary>Clusters collected at once. Default 8.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Deadline for one cluster's collection. Default 2 minutes.</summary>
    public TimeSpan PerClusterTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>Progress of a fleet scan, reported once per finished cluster.</summary>
public sealed record FleetScanProgress(string ClusterName, int Completed, Analysis.Assessment.ClusterScanStatus Status);
