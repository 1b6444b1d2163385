using System.Globalization;
using System.Net;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// What flows are aggregated by on each end: a workload (namespace and owner <c>Kind/name</c>, stable across pod
/// restarts), a bare pod when no owner is known, or an address outside the cluster (a host route, /32 or /128).
/// Pod hashes never reach the key, so a Deployment's many pods make one peer.
/// </summary>
public sealed record FlowPeer
{
    private FlowPeer(FlowPeerKind kind, string? ns, string name, IPAddress? address)
    {
        Kind = kind;
        Namespace = ns;
        Name = name;
        Address = address;
    }

    public FlowPeerKind Kind { get; }

    public string? Namespace { get; }

    /// <summary><c>Kind/name</c> for a workload, the pod name for a pod, the address text for an address.</summary>
    public string Name { get; }

    public IPAddress? Address { get; }

    /// <summary>The peer an endpoint aggregates into, or null when the endpoint names neither a pod nor an address.</summary>
    public static FlowPeer? Of(FlowEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.IsPod)
        {
            if (endpoint.Workload is { Length: > 0 } workload)
            {
                return new FlowPeer(FlowPeerKind.Workload, endpoint.Namespace, workload, null);
            }

            if (endpoint.PodName is { Length: > 0 } pod)
            {
                return new FlowPeer(FlowPeerKind.Pod, endpoint.Namespace, pod, null);
            }

            return null;
        }

        return endpoint.Address is { } address
            ? new FlowPeer(FlowPeerKind.Address, null, address.ToString(), address)
            : null;
    }

    /// <summary><c>ns/Kind/name</c>, <c>ns/pod</c> or <c>ip:ADDRESS</c>: the spelling <c>reach</c> reads.</summary>
    public override string ToString() => Kind == FlowPeerKind.Address
        ? string.Create(CultureInfo.InvariantCulture, $"ip:{Name}")
        : $"{Namespace}/{Name}";
}

/// <summary>What a <see cref="FlowPeer"/> stands for.</summary>
public enum FlowPeerKind
{
    Workload = 1,
    Pod = 2,
    Address = 3,
}
