using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>A namespace with the label views each policy language matches against, computed once.</summary>
internal sealed class NamespaceView
{
    private IReadOnlyDictionary<string, string>? _calicoLabels;

    public NamespaceView(NamespaceInfo info)
    {
        Info = info;
        Labels = LabelSelectors.EffectiveNamespaceLabels(info);
    }

    public NamespaceInfo Info { get; }

    public string Name => Info.Name;

    /// <summary>The namespace labels with <c>kubernetes.io/metadata.name</c> set.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Labels a Calico <c>namespaceSelector</c> sees: the namespace labels plus <c>projectcalico.org/name</c>.</summary>
    public IReadOnlyDictionary<string, string> CalicoLabels =>
        _calicoLabels ??= new Dictionary<string, string>(Labels, StringComparer.Ordinal) { ["projectcalico.org/name"] = Name };
}

/// <summary>A pod with the label views Cilium and Calico selectors match against, computed lazily and once.</summary>
internal sealed class PodView
{
    private IReadOnlyDictionary<string, string>? _ciliumLabels;
    private IReadOnlyDictionary<string, string>? _calicoLabels;

    public PodView(PodInfo pod, NamespaceView ns)
    {
        Pod = pod;
        Namespace = ns;
    }

    public PodInfo Pod { get; }

    public NamespaceView Namespace { get; }

    /// <summary>
    /// Cilium endpoint labels (source prefixes stripped): the pod labels, <c>io.kubernetes.pod.namespace</c>, and the
    /// namespace labels as <c>io.cilium.k8s.namespace.labels.&lt;key&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> CiliumLabels => _ciliumLabels ??= BuildCiliumLabels();

    /// <summary>
    /// Calico workload-endpoint labels: the pod labels, <c>projectcalico.org/namespace</c>,
    /// <c>projectcalico.org/orchestrator=k8s</c>, and the namespace labels as <c>pcns.&lt;key&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> CalicoLabels => _calicoLabels ??= BuildCalicoLabels();

    private LabelOverlay BuildCiliumLabels() => new(
        Pod.Labels,
        [new("io.kubernetes.pod.namespace", Pod.Namespace)],
        "io.cilium.k8s.namespace.labels.",
        Namespace.Labels);

    private LabelOverlay BuildCalicoLabels() => new(
        Pod.Labels,
        [new("projectcalico.org/namespace", Pod.Namespace), new("projectcalico.org/orchestrator", "k8s")],
        "pcns.",
        Namespace.Labels);
}
