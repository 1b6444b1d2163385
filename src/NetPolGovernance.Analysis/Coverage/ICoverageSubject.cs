using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>A non-NetworkPolicy policy object reduced to "which pods does it govern, in which directions".</summary>
internal interface ICoverageSubject
{
    PolicyKind Kind { get; }

    /// <summary>The policy's namespace; null for cluster-scoped kinds.</summary>
    string? Namespace { get; }

    /// <summary>The name shown in reports (Calico tier prefix <c>default.</c> stripped).</summary>
    string Name { get; }

    SourceLocation? Source { get; }

    /// <summary>The directions for which this object governs <paramref name="pod"/>; None when it does not select it.</summary>
    PolicyDirection Governs(PodView pod);

    /// <summary>
    /// The directions in which this object isolates <paramref name="pod"/>: traffic no rule admits is denied. A Cilium
    /// rule selecting the pod with a section of that direction whose default deny is not switched off
    /// (<c>enableDefaultDeny</c>), a Calico policy selecting it with the direction in its types; admin policies never
    /// isolate.
    /// </summary>
    PolicyDirection Isolates(PodView pod);

    /// <summary>
    /// The directions in which this object puts <b>every</b> pod of the namespace into a deny-by-default mode by its
    /// structure alone (never inferred from the pods that exist): a Cilium rule whose endpointSelector is select-all
    /// for the namespace and has a section of that direction (Cilium's "endpoint default policy"), or a Calico policy
    /// with a select-all selector, the direction in its types and no rules of it. Admin policies never isolate.
    /// </summary>
    PolicyDirection DefaultDenies(NamespaceView ns);
}
