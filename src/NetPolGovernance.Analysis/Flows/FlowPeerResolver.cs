using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// Finds the pod of a snapshot that stands for an observed peer, so a flow can be asked of the reachability engine:
/// the pod the flow names, else the pod derived from the same workload (<c>Kind/name</c>, as manifests give it), else
/// a pod of the namespace carrying every label the flow recorded (policies select by labels, so such a pod is judged
/// as the observed one would be). An address stays an address.
/// </summary>
internal sealed class FlowPeerResolver(SnapshotIndex index)
{
    public bool TryResolve(FlowPeer peer, FlowEndpoint sample, out ReachabilityEndpoint endpoint, out string reason)
    {
        reason = string.Empty;
        if (peer.Kind == FlowPeerKind.Address)
        {
            endpoint = ReachabilityEndpoint.ForAddress(peer.Address!);
            return true;
        }

        endpoint = null!;
        var ns = peer.Namespace!;
        if (index.PodsIn(ns).Count == 0)
        {
            reason = $"namespace {ns} has no pods in the snapshot";
            return false;
        }

        var pod = (sample.PodName is { Length: > 0 } name ? index.FindPod(ns, name) : null)
            ?? (peer.Kind == FlowPeerKind.Workload ? index.FindPod(ns, peer.Name) : null)
            ?? ByLabels(ns, sample.Labels);
        if (pod is null)
        {
            reason = $"no pod of {peer} in the snapshot (by name, workload or labels)";
            return false;
        }

        endpoint = ReachabilityEndpoint.ForPod(pod.Namespace, pod.Name);
        return true;
    }

    private PodInfo? ByLabels(string ns, IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0)
        {
            return null;
        }

        PodInfo? best = null;
        foreach (var pod in index.PodsIn(ns))
        {
            if (labels.All(l => pod.Labels.TryGetValue(l.Key, out var v) && string.Equals(v, l.Value, StringComparison.Ordinal))
                && (best is null || string.CompareOrdinal(pod.Name, best.Name) < 0))
            {
                best = pod;
            }
        }

        return best;
    }
}
