using System.Net;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>A resolved endpoint: a pod of the snapshot, or an address outside the cluster.</summary>
internal readonly record struct Party(PodInfo? Pod, IPAddress? Address)
{
    public static Party Of(PodInfo pod) => new(pod, null);

    public static Party Of(IPAddress address) => new(null, address);

    public override string ToString() => Pod is not null ? SnapshotIndex.Key(Pod.Namespace, Pod.Name) : $"ip:{Address}";
}
