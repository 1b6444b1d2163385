using System.Net;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Flows;

/// <summary>
/// One observed flow event, whatever its source (Hubble JSON lines, the <c>ContainerNetworkLogs</c> table): who
/// talked to whom, on which protocol and destination port, what the dataplane did, and which policies it names.
/// Everything the source does not say is null; readers never invent a value (docs/flows.md).
/// </summary>
public sealed record ObservedFlow
{
    /// <summary>When the event was seen; for a pre-aggregated row, the last time.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>For a pre-aggregated row (a summarized query), the first time; null for a single event.</summary>
    public DateTimeOffset? FirstTime { get; init; }

    /// <summary>How many events this record stands for: 1 for a single event, more for a pre-aggregated row.</summary>
    public long Count { get; init; } = 1;

    public required FlowVerdict Verdict { get; init; }

    /// <summary>The drop reason as the source spells it (e.g. <c>POLICY_DENIED</c>), for dropped flows.</summary>
    public string? DropReason { get; init; }

    public FlowDirection Direction { get; init; }

    /// <summary>True for a reply packet (never demand), false for a request, null when the source did not say.</summary>
    public bool? IsReply { get; init; }

    public required FlowEndpoint Source { get; init; }

    public required FlowEndpoint Destination { get; init; }

    /// <summary>TCP, UDP or SCTP; null for ICMP and other protocols NetworkPolicy does not define.</summary>
    public TransportProtocol? Protocol { get; init; }

    public int? DestinationPort { get; init; }

    /// <summary>Policies the dataplane names as allowing or denying this flow (Cilium policy correlation), as written.</summary>
    public IReadOnlyList<string> AllowedBy { get; init; } = [];

    public IReadOnlyList<string> DeniedBy { get; init; } = [];

    /// <summary>
    /// The cluster the flow was observed on, when the source says (the <c>cluster/</c> prefix of Hubble's
    /// <c>node_name</c>, else an endpoint's <c>cluster_name</c>); a scan of several clusters routes flows by it.
    /// </summary>
    public string? Cluster { get; init; }
}

/// <summary>What the dataplane did with a flow.</summary>
public enum FlowVerdict
{
    Other = 0,
    Forwarded = 1,
    Dropped = 2,
    Audit = 3,
    Error = 4,
}

/// <summary>The side a flow was observed on: egress at the source endpoint, ingress at the destination.</summary>
public enum FlowDirection
{
    Unknown = 0,
    Ingress = 1,
    Egress = 2,
}

/// <summary>
/// One end of a flow. A pod end has a namespace and usually a pod name and the workloads that own it (the top owner,
/// e.g. <c>Deployment/web</c>, not the ReplicaSet); an end outside the cluster has only an address, and possibly a
/// DNS name the source resolved. Labels are the pod's labels in <c>key=value</c> form, without the source's prefix.
/// </summary>
public sealed record FlowEndpoint
{
    public string? Namespace { get; init; }

    public string? PodName { get; init; }

    /// <summary>The owning workload as <c>Kind/name</c>, when the source names one.</summary>
    public string? Workload { get; init; }

    public IPAddress? Address { get; init; }

    /// <summary>A DNS name the source attached to this end, when it has one.</summary>
    public string? DomainName { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = Model.EmptyLabels.Instance;

    /// <summary>True when the end is a pod (it has a namespace).</summary>
    public bool IsPod => Namespace is { Length: > 0 };
}
