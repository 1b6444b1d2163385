using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>The controller of an object (<c>metadata.ownerReferences</c> entry with <c>controller: true</c>, else the first).</summary>
internal sealed record OwnerReference(string Kind, string Name);

/// <summary>
/// A workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob) and the pod its
/// template would create. The pod is used only when no Pod object of that workload exists.
/// </summary>
internal sealed record WorkloadTemplate(
    string Kind,
    string Namespace,
    string Name,
    LabelSelector? Selector,
    PodInfo DerivedPod,
    OwnerReference? Owner);
