namespace NetPolGovernance.Analysis.Assessment;

/// <summary>
/// AKS platform namespaces: reported and tagged <c>system</c>, and exempt by default with reason
/// "platform-managed". Override with <see cref="AnalysisOptions.PlatformNamespaces"/>. The list and its
/// sources are documented in docs/checks.md.
/// </summary>
public static class PlatformNamespaces
{
    public const string DefaultExemptionReason = "platform-managed";

    public static IReadOnlyList<string> Default { get; } =
    [
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "gatekeeper-system",
        "calico-system",
        "calico-apiserver",
        "tigera-operator",
        "aks-command",
        "app-routing-system",
        "aks-istio-system",
        "aks-istio-ingress",
        "aks-istio-egress",
        "dataprotection-microsoft",
        "flux-system",
        "dapr-system",
    ];
}
