namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// What the fleet simulator generates. Everything is derived from <see cref="Seed"/> and the cluster index, so
/// two simulators with the same options serve byte-identical fleets.
/// </summary>
public sealed record FleetSimulationOptions
{
    public int Seed { get; init; } = 1;

    public int Clusters { get; init; } = 10;

    /// <summary>Subscriptions the clusters are spread over (round-robin). Default: one per 20 clusters, at least one.</summary>
    public int? Subscriptions { get; init; }

    /// <summary>Mean namespaces per cluster (system namespaces included). Each cluster varies by ±<see cref="NamespaceSpread"/>.</summary>
    public int NamespacesPerCluster { get; init; } = 20;

    /// <summary>Relative spread of the namespace count around the mean, 0 (every cluster the same) to 0.9.</summary>
    public double NamespaceSpread { get; init; } = 0.2;

    /// <summary>Mean pods per namespace: a cluster holds exactly namespaces × this many pods, skewed across its namespaces.</summary>
    public int PodsPerNamespace { get; init; } = 20;

    /// <summary>Added to every Kubernetes, ARM and Resource Graph call.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Share of clusters reachable only through AKS runCommand (private API server).</summary>
    public double PrivateRate { get; init; } = 0.04;

    /// <summary>Share of clusters that are stopped (reported Skipped, never contacted).</summary>
    public double StoppedRate { get; init; } = 0.02;

    /// <summary>Share of running public clusters with an injected fault (see <see cref="SimulatedFault"/>).</summary>
    public double FaultRate { get; init; }

    /// <summary>
    /// Serve the fleet as a later scan finds it: the same fleet with its planned drift applied
    /// (<see cref="SimulatedFleet.Drift"/>). False serves the fleet as first generated.
    /// </summary>
    public bool Drifted { get; init; }

    /// <summary>Clusters whose plan is forced regardless of the rates (tests pin a private, a stopped, a faulty cluster).</summary>
    public IReadOnlyDictionary<int, ClusterOverride> Overrides { get; init; } = new Dictionary<int, ClusterOverride>();

    public int SubscriptionCount => Subscriptions ?? Math.Max(1, (Clusters + 19) / 20);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Check(Clusters is >= 1 and <= 100_000, nameof(Clusters), "between 1 and 100000");
        Check(SubscriptionCount is >= 1 and <= 10_000, nameof(Subscriptions), "between 1 and 10000");
        Check(NamespacesPerCluster is >= 1 and <= 10_000, nameof(NamespacesPerCluster), "between 1 and 10000");
        Check(NamespaceSpread is >= 0 and <= 0.9, nameof(NamespaceSpread), "between 0 and 0.9");
        Check(PodsPerNamespace is >= 0 and <= 100_000, nameof(PodsPerNamespace), "between 0 and 100000");
        Check(Latency >= TimeSpan.Zero && Latency <= TimeSpan.FromMinutes(1), nameof(Latency), "between 0 and 1 minute");
        Check(PrivateRate is >= 0 and <= 1, nameof(PrivateRate), "between 0 and 1");
        Check(StoppedRate is >= 0 and <= 1, nameof(StoppedRate), "between 0 and 1");
        Check(FaultRate is >= 0 and <= 1, nameof(FaultRate), "between 0 and 1");
    }

    private static void Check(bool ok, string name, string range)
    {
        if (!ok)
        {
            throw new ArgumentException($"fleet simulation option {name} must be {range}", name);
        }
    }
}

/// <summary>Pins parts of one cluster's plan (null = as generated).</summary>
public sealed record ClusterOverride
{
    public bool? Private { get; init; }

    public bool? Stopped { get; init; }

    public SimulatedFault? Fault { get; init; }

    public SimulatedEngine? Engine { get; init; }

    /// <summary>The cluster's API server turns hostile this way (tests and <c>--sim-hostile</c>); null = well-behaved.</summary>
    public Kubernetes.HostileBehaviour? Hostile { get; init; }
}
