using System.Globalization;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// A deterministic fleet: cluster <c>i</c>'s plan is a pure function of (options, i), computed on demand, so a
/// 1,000-cluster fleet costs nothing until a cluster is asked for. Distributions (per cluster, from its own random
/// stream): engines none 15% / azure 20% / calico 25% / cilium 40%, 4% of engines not ready; namespace count
/// around the mean; pods skewed across namespaces (log-normal weights) with the cluster total fixed; policy styles
/// per application namespace default-deny 35%, missing 25%, partial 10%, allow-all 10%, dead 8%, CRD 12%.
/// </summary>
public sealed class SimulatedFleet
{
    private static readonly string[] s_locations = ["eastus", "westeurope", "northeurope", "eastus2", "uksouth", "southeastasia", "centralus"];

    private static readonly string[] s_teams =
    [
        "analytics", "billing", "catalog", "checkout", "crm", "data", "edge", "fraud", "identity", "inventory",
        "ledger", "logistics", "marketing", "media", "mobile", "notify", "orders", "payments", "pricing", "profile",
        "reporting", "reviews", "risk", "search", "shipping", "support", "tax", "telemetry", "web", "wallet",
    ];

    private static readonly string[] s_environments = ["prod", "staging", "dev", "qa"];

    /// <summary>Workload (Deployment) names, ordered: pods are listed per workload in this order.</summary>
    internal static readonly string[] WorkloadNames = ["api", "cache", "db", "frontend", "queue", "web", "worker"];

    private readonly Lazy<int> _nonEnforcing;
    private readonly Lazy<SimulatedFleetDrift> _drift;

    public SimulatedFleet(FleetSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _nonEnforcing = new Lazy<int>(FindNonEnforcing);
        _drift = new Lazy<SimulatedFleetDrift>(() => SimulatedFleetDrift.Plan(Options, FirstGeneration));
    }

    /// <summary>
    /// The planned drift between a scan of this fleet as first generated and a scan of it with
    /// <see cref="FleetSimulationOptions.Drifted"/>: the same plan whichever of the two this fleet serves.
    /// </summary>
    public SimulatedFleetDrift Drift => _drift.Value;

    /// <summary>
    /// The index of the one cluster whose engine silently does not enforce, or -1 when no cluster qualifies: the first
    /// running public Cilium cluster with a ready engine, no injected fault and a default-deny namespace whose traffic
    /// its policies deny (two workloads or more, or a namespace without policies to call it from).
    /// </summary>
    public int NonEnforcingCluster => _nonEnforcing.Value;

    public FleetSimulationOptions Options { get; }

    public int ClusterCount => Options.Clusters;

    /// <summary>All plans, computed lazily in index order.</summary>
    public IEnumerable<SimulatedClusterPlan> Clusters => Enumerable.Range(0, Options.Clusters).Select(Cluster);

    public static string ClusterName(int index) => "aks-" + index.ToString("D5", CultureInfo.InvariantCulture);

    public static string SubscriptionId(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{index:D8}-5e00-4000-8000-{index:D12}");

    /// <summary>The index of a cluster name made by <see cref="ClusterName"/>, or -1.</summary>
    public int IndexOf(string clusterName) =>
        clusterName.StartsWith("aks-", StringComparison.Ordinal)
        && int.TryParse(clusterName.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
        && index < Options.Clusters
        && ClusterName(index) == clusterName
            ? index
            : -1;

    /// <summary>Cluster <paramref name="index"/>'s plan, with the planned drift applied when the fleet is <see cref="FleetSimulationOptions.Drifted"/>.</summary>
    public SimulatedClusterPlan Cluster(int index)
    {
        var plan = FirstGeneration(index);
        return Options.Drifted ? Drift.Apply(plan) : plan;
    }

    private SimulatedClusterPlan FirstGeneration(int index)
    {
        var plan = BasePlan(index);
        return index == NonEnforcingCluster ? plan with { EnforcesPolicies = false } : plan;
    }

    private int FindNonEnforcing()
    {
        for (var i = 0; i < Options.Clusters; i++)
        {
            var plan = BasePlan(i);
            var withPods = plan.Namespaces.Where(n => n.PodCount > 0).ToList();
            if (plan is { Stopped: false, Private: false, Fault: SimulatedFault.None, Hostile: null }
                && SimulatedClusterFlows.HasFlowLogs(plan)
                && withPods.Any(n => n.Style == PolicyStyle.DefaultDeny && (n.Workloads >= 2 || withPods.Any(m => m.Style == PolicyStyle.Missing))))
            {
                return i;
            }
        }

        return -1;
    }

    private SimulatedClusterPlan BasePlan(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Options.Clusters);
        var random = new DeterministicRandom(Options.Seed, index, stream: 1);
        var engine = Pick(random.NextDouble(), (0.15, SimulatedEngine.None), (0.20, SimulatedEngine.Azure), (0.25, SimulatedEngine.Calico), (0.40, SimulatedEngine.Cilium));
        var engineReady = engine == SimulatedEngine.None || random.NextDouble() >= 0.04;
        var isPrivate = random.NextDouble() < Options.PrivateRate;
        var stopped = random.NextDouble() < Options.StoppedRate;
        var faultRoll = random.NextDouble();
        var faultKind = (SimulatedFault)random.Next(1, 5);
        var fault = !isPrivate && !stopped && faultRoll < Options.FaultRate ? faultKind : SimulatedFault.None;
        var location = s_locations[random.Next(0, s_locations.Length)];
        var team = s_teams[random.Next(0, s_teams.Length)];

        if (Options.Overrides.TryGetValue(index, out var pinned))
        {
            engine = pinned.Engine ?? engine;
            engineReady = engine == SimulatedEngine.None || engineReady;
            isPrivate = pinned.Private ?? isPrivate;
            stopped = pinned.Stopped ?? stopped;
            fault = pinned.Fault ?? fault;
        }

        return new SimulatedClusterPlan
        {
            Index = index,
            Name = ClusterName(index),
            SubscriptionIndex = index % Options.SubscriptionCount,
            ResourceGroup = "rg-" + team,
            Location = location,
            Engine = engine,
            EngineReady = engineReady,
            Private = isPrivate,
            Stopped = stopped,
            Fault = fault,
            Hostile = pinned?.Hostile,
            Namespaces = PlanNamespaces(index, engine),
        };
    }

    private List<NamespacePlan> PlanNamespaces(int index, SimulatedEngine engine)
    {
        var random = new DeterministicRandom(Options.Seed, index, stream: 2);
        var system = new List<string> { "default", "kube-node-lease", "kube-public", "kube-system" };
        if (engine == SimulatedEngine.Calico)
        {
            system.Add("calico-system");
        }

        var spread = Options.NamespaceSpread;
        var wanted = (int)Math.Round(Options.NamespacesPerCluster * (1 - spread + (2 * spread * random.NextDouble())));
        var total = Math.Max(wanted, system.Count + 1);
        var appCount = total - system.Count;
        var names = new List<(string Name, PolicyStyle Style)>(total);
        names.AddRange(system.Select(n => (n, PolicyStyle.System)));
        for (var i = 0; i < appCount; i++)
        {
            var team = s_teams[i % s_teams.Length];
            var environment = s_environments[(i / s_teams.Length) % s_environments.Length];
            var round = i / (s_teams.Length * s_environments.Length);
            var name = round == 0 ? $"{team}-{environment}" : string.Create(CultureInfo.InvariantCulture, $"{team}-{environment}-{round}");
            names.Add((name, PickStyle(random.NextDouble(), engine)));
        }

        names.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        var podTotal = (long)total * Options.PodsPerNamespace;
        var systemPods = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["kube-system"] = (int)Math.Min(podTotal, 12),
        };
        if (engine == SimulatedEngine.Calico)
        {
            systemPods["calico-system"] = (int)Math.Min(Math.Max(0, podTotal - 12), 3);
        }

        var remaining = podTotal - systemPods.Values.Sum();
        var weights = names.Select(n => n.Style == PolicyStyle.System ? 0.0 : Math.Exp(0.8 * Gaussian(ref random))).ToArray();
        var weightSum = weights.Sum();
        var counts = weights.Select(w => weightSum == 0 ? 0 : (int)Math.Floor(remaining * w / weightSum)).ToArray();
        var leftover = remaining - counts.Sum();
        for (var i = 0; leftover > 0; i = (i + 1) % counts.Length)
        {
            if (weights[i] > 0)
            {
                counts[i]++;
                leftover--;
            }
        }

        var plans = new List<NamespacePlan>(total);
        var first = 0;
        for (var i = 0; i < names.Count; i++)
        {
            var (name, style) = names[i];
            var pods = style == PolicyStyle.System ? systemPods.GetValueOrDefault(name) : counts[i];
            var workloads = style == PolicyStyle.System ? 1 : Math.Clamp(random.Next(1, 6), 1, Math.Max(1, pods));
            plans.Add(new NamespacePlan(name, style, pods, first, workloads));
            first += pods;
        }

        return plans;
    }

    private static PolicyStyle PickStyle(double roll, SimulatedEngine engine)
    {
        var crd = engine switch
        {
            SimulatedEngine.Cilium => PolicyStyle.CiliumCrd,
            SimulatedEngine.Calico => PolicyStyle.CalicoCrd,
            _ => roll < 0.94 ? PolicyStyle.CiliumCrd : PolicyStyle.CalicoCrd,
        };
        return Pick(
            roll,
            (0.35, PolicyStyle.DefaultDeny),
            (0.25, PolicyStyle.Missing),
            (0.10, PolicyStyle.Partial),
            (0.10, PolicyStyle.AllowAll),
            (0.08, PolicyStyle.Dead),
            (0.12, crd));
    }

    private static T Pick<T>(double roll, params (double Share, T Value)[] choices)
    {
        foreach (var (share, value) in choices)
        {
            if (roll < share)
            {
                return value;
            }

            roll -= share;
        }

        return choices[^1].Value;
    }

    private static double Gaussian(ref DeterministicRandom random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
