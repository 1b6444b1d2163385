namespace NetPolGovernance.Analysis.Remediation;

/// <summary>Which policy set a remediation plan proposes for a noncompliant namespace (docs/remediation.md).</summary>
public enum RemediationProfile
{
    /// <summary>Default-deny ingress and egress, DNS egress to the cluster DNS, all traffic within the namespace.</summary>
    Baseline = 1,

    /// <summary>Default-deny ingress only; egress is left as it is.</summary>
    Ingress = 2,

    /// <summary>
    /// Baseline without the blanket same-namespace allow: within the namespace only the container ports the
    /// namespace's pods declare are reachable (the static stand-in for observed traffic).
    /// </summary>
    Strict = 3,

    /// <summary>
    /// Default deny, DNS, and per workload (selected by its stable pod-template labels) ingress from the sources and
    /// egress to the destinations observed forwarded in the flows, each rule annotated with where it came from.
    /// </summary>
    Observed = 4,
}
