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
}
