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

    private Dictionary<string, string> BuildCiliumLabels()
    {
        var labels = new Dictionary<string, string>(Pod.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in Namespace.Labels)
        {
            labels["io.cilium.k8s.namespace.labels." + key] = value;
        }

        labels["io.kubernetes.pod.namespace"] = Pod.Namespace;
        return labels;
    }

    private Dictionary<string, string> BuildCalicoLabels()
    {
        var labels = new Dictionary<string, string>(Pod.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in Namespace.Labels)
        {
            labels["pcns." + key] = value;
        }

        labels["projectcalico.org/namespace"] = Pod.Namespace;
        labels["projectcalico.org/orchestrator"] = "k8s";
        return labels;
    }
}
