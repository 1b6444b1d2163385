using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// Replays observed connections through the current policy set and a proposed one (docs/flows.md): every edge is asked
/// of both reachability engines. Pure: the same snapshots and traffic always give the same report, and replaying the
/// current set against itself reports nothing to drop or open.
/// </summary>
public static class FlowReplay
{
    private const string AllNamespaces = "*";

    public static StageReport Stage(ClusterSnapshot current, ClusterSnapshot proposed, ObservedTraffic traffic)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(traffic);
        var before = new ReachabilityEngine(current);
        var after = new ReachabilityEngine(proposed);
        var resolver = new FlowPeerResolver(before.Index);
        var drop = new List<StageEntry>();
        var open = new List<StageEntry>();
        var unverifiable = new List<StageEntry>();
        var observedPods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edge in traffic.Edges)
        {
            var entry = Entry(edge);
            if (!resolver.TryResolve(edge.Key.Source, edge.SourceSample, out var from, out var fromReason)
                | !resolver.TryResolve(edge.Key.Destination, edge.DestinationSample, out var to, out var toReason))
            {
                unverifiable.Add(entry with { Reason = string.Join("; ", new[] { fromReason, toReason }.Where(r => r.Length > 0)) });
                continue;
            }

            Observe(observedPods, from);
            Observe(observedPods, to);
            var query = new ReachabilityQuery(from, to, edge.Key.Protocol, edge.Key.Port);
            var was = before.Evaluate(query);
            var now = after.Evaluate(query);
            if (was.Verdict == now.Verdict && string.Equals(was.Explanation, now.Explanation, StringComparison.Ordinal))
            {
                continue;
            }

            entry = entry with { Policy = now.Explanation, Before = was.Explanation };
            if (was.Verdict == ReachabilityVerdict.Unknown || now.Verdict == ReachabilityVerdict.Unknown)
            {
                var why = was.UnknownBecause.Concat(now.UnknownBecause).Append(was.Error).Append(now.Error).OfType<string>().Distinct(StringComparer.Ordinal);
                unverifiable.Add(entry with { Reason = string.Join("; ", why) });
            }
            else if (was.Allowed && !now.Allowed && edge.Forwarded > 0)
            {
                drop.Add(entry);
            }
            else if (!was.Allowed && now.Allowed)
            {
                open.Add(entry);
            }
        }

        unverifiable.AddRange(Unobserved(before.Index, current, proposed, observedPods, traffic.Window));
        return new StageReport { WouldDrop = drop, WouldOpen = open, Unverifiable = unverifiable, Traffic = traffic };
    }

    private static StageEntry Entry(FlowEdge edge) => new()
    {
        From = edge.Key.Source.ToString(),
        To = edge.Key.Destination.ToString(),
        Protocol = edge.Key.Protocol,
        Port = edge.Key.Port,
        Count = edge.Count,
        FirstSeen = edge.FirstSeen,
        LastSeen = edge.LastSeen,
    };

    private static void Observe(HashSet<string> pods, ReachabilityEndpoint endpoint)
    {
        if (endpoint.IsPod)
        {
            pods.Add(SnapshotIndex.Key(endpoint.Namespace, endpoint.Pod));
        }
    }

    /// <summary>
    /// Pods that a changed policy selects and that no observed flow stood for: what they need was not seen, so the
    /// replay cannot vouch for them. A CronJob's pods are named as such: it may simply not have run in the window.
    /// </summary>
    private static IEnumerable<StageEntry> Unobserved(
        SnapshotIndex index,
        ClusterSnapshot current,
        ClusterSnapshot proposed,
        HashSet<string> observedPods,
        FlowWindow? window)
    {
        var changed = Changed(current.NetworkPolicies, proposed.NetworkPolicies).ToList();
        var changedNamespaces = ChangedNamespaces(current, proposed);
        var span = window is { } w ? $"{w.Length.TotalHours:0.#} h" : "no flows at all";
        foreach (var pod in index.Pods.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            if (observedPods.Contains(SnapshotIndex.Key(pod.Namespace, pod.Name)))
            {
                continue;
            }

            var selected = changedNamespaces.Contains(AllNamespaces)
                || changedNamespaces.Contains(pod.Namespace)
                || changed.Any(p => string.Equals(p.Namespace, pod.Namespace, StringComparison.Ordinal)
                    && (p.PodSelector is null || LabelSelectors.Matches(p.PodSelector, pod.Labels)));
            if (!selected)
            {
                continue;
            }

            var cronJob = pod.DerivedFrom?.StartsWith("CronJob/", StringComparison.Ordinal) == true
                ? "; a CronJob may not have run in the window"
                : string.Empty;
            yield return new StageEntry
            {
                From = SnapshotIndex.Key(pod.Namespace, pod.Name),
                To = SnapshotIndex.Key(pod.Namespace, pod.Name),
                Reason = $"a changed policy selects this pod but no flow of it was observed ({span}){cronJob}: what it needs is unknown",
            };
        }
    }

    /// <summary>NetworkPolicies added, replaced or removed by the proposal (objects are compared by reference).</summary>
    private static IEnumerable<NetworkPolicy> Changed(IReadOnlyList<NetworkPolicy> current, IReadOnlyList<NetworkPolicy> proposed)
    {
        var was = new HashSet<NetworkPolicy>(current, ReferenceEqualityComparer.Instance);
        var now = new HashSet<NetworkPolicy>(proposed, ReferenceEqualityComparer.Instance);
        return proposed.Where(p => !was.Contains(p)).Concat(current.Where(p => !now.Contains(p)));
    }

    /// <summary>
    /// Namespaces where a Cilium or Calico policy changed: every pod of them counts as affected. A changed cluster-wide
    /// object (CiliumClusterwideNetworkPolicy, GlobalNetworkPolicy, an admin policy) affects every namespace.
    /// </summary>
    private static HashSet<string> ChangedNamespaces(ClusterSnapshot current, ClusterSnapshot proposed)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        AddChanged(result, current.CiliumPolicies, proposed.CiliumPolicies, p => p.Namespace);
        AddChanged(result, current.CalicoPolicies, proposed.CalicoPolicies, p => p.Namespace);
        AddChanged(result, current.AdminPolicies, proposed.AdminPolicies, _ => null);
        return result;
    }

    private static void AddChanged<T>(HashSet<string> result, IReadOnlyList<T> current, IReadOnlyList<T> proposed, Func<T, string?> ns)
        where T : class
    {
        var was = new HashSet<T>(current, ReferenceEqualityComparer.Instance);
        var now = new HashSet<T>(proposed, ReferenceEqualityComparer.Instance);
        foreach (var policy in proposed.Where(p => !was.Contains(p)).Concat(current.Where(p => !now.Contains(p))))
        {
            result.Add(ns(policy) is { Length: > 0 } name ? name : AllNamespaces);
        }
    }
}
