namespace NetPolGovernance.Simulator.Fleet;

/// <summary>A change the planned drift makes to one namespace of a simulated cluster between two scans.</summary>
public enum DriftChangeKind
{
    /// <summary>A Compliant default-deny namespace loses <c>default-deny-all</c>.</summary>
    DefaultDenyRemoved,

    /// <summary>A namespace without any policy gets the default-deny policies.</summary>
    DefaultDenyAdded,

    /// <summary>A new application namespace with pods and no policy.</summary>
    NamespaceAdded,

    /// <summary>A default-deny namespace's <c>default-deny-all</c> is renamed, its spec unchanged.</summary>
    PolicyRenamed,

    /// <summary>A default-deny namespace's API allow rule admits one more port.</summary>
    RulesChanged,
}

/// <summary>The drift event a change must produce in the second scan (the workbook's drift tile and the alerts).</summary>
public enum PlannedDriftEvent
{
    /// <summary>No event: the policy set is the same by content (a rename).</summary>
    None,

    /// <summary>Compliant → NonCompliant.</summary>
    Regressed,

    /// <summary>NonCompliant → Compliant.</summary>
    Recovered,

    /// <summary>Same status, a different policy-set hash.</summary>
    PolicySetChanged,

    /// <summary>Not in the first scan, no policy of any kind: the new-namespace alert, once the grace period is over.</summary>
    NewNamespaceWithoutPolicy,
}

/// <summary>One planned change: what changes where, and the event it must give.</summary>
public sealed record PlannedDriftChange(DriftChangeKind Kind, string Cluster, string Namespace, PlannedDriftEvent Event);

/// <summary>
/// The planned drift of a simulated fleet between two scans: from the seed, one change of each
/// <see cref="DriftChangeKind"/> (in that order), each in a cluster whose verdicts follow its policies (running, public,
/// no injected fault, a ready and enforcing engine) and in a namespace no other change touches. A kind with no such
/// namespace in the fleet is left out. <see cref="FleetSimulationOptions.Drifted"/> serves the fleet with it applied;
/// <see cref="Changes"/> says which events a scan before and a scan after must show between them, and no other.
/// </summary>
public sealed class SimulatedFleetDrift
{
    private const int Stream = 7;

    private static readonly string[] s_newNamespaceTeams = ["analytics", "billing", "catalog", "checkout", "search", "wallet"];

    private readonly Dictionary<string, List<PlannedDriftChange>> _byCluster;

    private SimulatedFleetDrift(IReadOnlyList<PlannedDriftChange> changes, int newNamespacePods)
    {
        Changes = changes;
        NewNamespacePods = newNamespacePods;
        _byCluster = changes.GroupBy(c => c.Cluster, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>The changes, in <see cref="DriftChangeKind"/> order.</summary>
    public IReadOnlyList<PlannedDriftChange> Changes { get; }

    /// <summary>Pods of an added namespace.</summary>
    public int NewNamespacePods { get; }

    /// <summary>Plans the drift of a fleet from the plans of its first generation (<paramref name="firstGeneration"/>(index)).</summary>
    internal static SimulatedFleetDrift Plan(FleetSimulationOptions options, Func<int, SimulatedClusterPlan> firstGeneration)
    {
        var used = new HashSet<(string, string)>();
        var changes = new List<PlannedDriftChange>();
        var pods = Math.Max(1, options.PodsPerNamespace);
        foreach (var kind in Enum.GetValues<DriftChangeKind>())
        {
            var random = new DeterministicRandom(options.Seed, (int)kind, Stream);
            var start = random.Next(0, options.Clusters);
            for (var step = 0; step < options.Clusters; step++)
            {
                var plan = firstGeneration((start + step) % options.Clusters);
                if (!FollowsItsPolicies(plan))
                {
                    continue;
                }

                var name = kind == DriftChangeKind.NamespaceAdded
                    ? NewNamespaceName(plan, ref random)
                    : Candidate(plan, kind, used, ref random);
                if (name is null)
                {
                    continue;
                }

                used.Add((plan.Name, name));
                changes.Add(new PlannedDriftChange(kind, plan.Name, name, EventOf(kind)));
                break;
            }
        }

        return new SimulatedFleetDrift(changes, pods);
    }

    /// <summary>A first-generation plan with the changes planned for its cluster applied (pods renumbered after an added namespace).</summary>
    internal SimulatedClusterPlan Apply(SimulatedClusterPlan plan)
    {
        if (!_byCluster.TryGetValue(plan.Name, out var changes))
        {
            return plan;
        }

        var namespaces = plan.Namespaces.ToList();
        foreach (var change in changes)
        {
            var at = namespaces.FindIndex(n => n.Name == change.Namespace);
            switch (change.Kind)
            {
                case DriftChangeKind.DefaultDenyRemoved:
                    namespaces[at] = namespaces[at] with { Edit = PolicyEdit.DefaultDenyRemoved };
                    break;
                case DriftChangeKind.PolicyRenamed:
                    namespaces[at] = namespaces[at] with { Edit = PolicyEdit.DefaultDenyRenamed };
                    break;
                case DriftChangeKind.RulesChanged:
                    namespaces[at] = namespaces[at] with { Edit = PolicyEdit.RulesChanged };
                    break;
                case DriftChangeKind.DefaultDenyAdded:
                    namespaces[at] = namespaces[at] with { Style = PolicyStyle.DefaultDeny };
                    break;
                case DriftChangeKind.NamespaceAdded:
                    namespaces.Add(new NamespacePlan(change.Namespace, PolicyStyle.Missing, NewNamespacePods, 0, Math.Min(2, NewNamespacePods)));
                    break;
                default:
                    throw new InvalidOperationException($"unknown drift change {change.Kind}");
            }
        }

        namespaces.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var first = 0;
        for (var i = 0; i < namespaces.Count; i++)
        {
            namespaces[i] = namespaces[i] with { FirstPod = first };
            first += namespaces[i].PodCount;
        }

        return plan with { Namespaces = namespaces };
    }

    /// <summary>Whether a cluster's namespace verdicts follow from its policies alone (no cluster finding decides them).</summary>
    private static bool FollowsItsPolicies(SimulatedClusterPlan plan) =>
        plan is { Stopped: false, Private: false, Fault: SimulatedFault.None, Hostile: null, EngineReady: true, EnforcesPolicies: true }
        && plan.Engine != SimulatedEngine.None;

    private static string? Candidate(SimulatedClusterPlan plan, DriftChangeKind kind, HashSet<(string, string)> used, ref DeterministicRandom random)
    {
        var style = kind == DriftChangeKind.DefaultDenyAdded ? PolicyStyle.Missing : PolicyStyle.DefaultDeny;
        var candidates = plan.Namespaces
            .Where(n => n.Style == style && n.PodCount > 0 && !used.Contains((plan.Name, n.Name)))
            .ToList();
        return candidates.Count == 0 ? null : candidates[random.Next(0, candidates.Count)].Name;
    }

    private static string? NewNamespaceName(SimulatedClusterPlan plan, ref DeterministicRandom random)
    {
        var offset = random.Next(0, s_newNamespaceTeams.Length);
        for (var i = 0; i < s_newNamespaceTeams.Length; i++)
        {
            var name = s_newNamespaceTeams[(offset + i) % s_newNamespaceTeams.Length] + "-preview";
            if (plan.Namespaces.All(n => n.Name != name))
            {
                return name;
            }
        }

        return null;
    }

    private static PlannedDriftEvent EventOf(DriftChangeKind kind) => kind switch
    {
        DriftChangeKind.DefaultDenyRemoved => PlannedDriftEvent.Regressed,
        DriftChangeKind.DefaultDenyAdded => PlannedDriftEvent.Recovered,
        DriftChangeKind.NamespaceAdded => PlannedDriftEvent.NewNamespaceWithoutPolicy,
        DriftChangeKind.RulesChanged => PlannedDriftEvent.PolicySetChanged,
        _ => PlannedDriftEvent.None,
    };
}
