namespace NetPolGovernance.Analysis.Model;

/// <summary>A namespace and its labels. The analysis treats <c>kubernetes.io/metadata.name</c> as always set to the name.</summary>
public sealed record NamespaceInfo
{
    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels.Instance;

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = EmptyLabels.Instance;

    /// <summary>True when no Namespace object was given and the namespace is only implied by objects in it.</summary>
    public bool Implied { get; init; }

    public SourceLocation? Source { get; init; }

    /// <summary>The AKS managed namespace (ARM <c>managedClusters/managedNamespaces</c>) of this name; null when not managed or not read.</summary>
    public AksManagedNamespace? AksManaged { get; init; }
}

/// <summary>
/// An AKS managed namespace as ARM describes it (api-version 2025-10-01): its <c>defaultNetworkPolicy</c> (the
/// NetworkPolicy AKS creates for it: ingress and egress each <c>AllowAll</c>, <c>AllowSameNamespace</c> or
/// <c>DenyAll</c>, as written) and its ARM tags, an owner signal carried for the report.
/// </summary>
public sealed record AksManagedNamespace
{
    public required string Name { get; init; }

    public string? ResourceId { get; init; }

    /// <summary><c>defaultNetworkPolicy.ingress</c>; null when not set.</summary>
    public string? DefaultIngress { get; init; }

    /// <summary><c>defaultNetworkPolicy.egress</c>; null when not set.</summary>
    public string? DefaultEgress { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyLabels.Instance;

    public string? ProvisioningState { get; init; }
}

/// <summary>A pod, reduced to what the analysis uses.</summary>
public sealed record PodInfo
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels.Instance;

    /// <summary>Container ports, or null when unknown (for example a metadata-only pod list).</summary>
    public IReadOnlyList<ContainerPort>? ContainerPorts { get; init; }

    /// <summary>hostNetwork pods are reported separately: policy behaviour for them is undefined.</summary>
    public bool HostNetwork { get; init; }

    /// <summary>Set when the pod was derived from a workload template, e.g. <c>Deployment/web</c>.</summary>
    public string? DerivedFrom { get; init; }

    public SourceLocation? Source { get; init; }
}

/// <summary>A container port. Protocol is <c>TCP</c>, <c>UDP</c> or <c>SCTP</c> (defaulted to TCP by the reader).</summary>
public sealed record ContainerPort(string? Name, int Port, string Protocol);

/// <summary>An immutable empty label map.</summary>
public static class EmptyLabels
{
    public static IReadOnlyDictionary<string, string> Instance { get; } =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string>());
}
