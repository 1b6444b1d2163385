using System.Net;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// One thing an AKS cluster's pods or add-ons need from the network, that a policy can cut without anyone noticing
/// until it breaks. <see cref="Anchor"/> is the section of docs/platform-dependencies.md that says what it is, where the
/// fact comes from, and what each engine can and cannot do about it.
/// </summary>
public sealed record PlatformDependency(string Id, string Title, string Requirement, string Anchor)
{
    /// <summary>Where a reader finds the entry and its source.</summary>
    public string Doc => $"docs/platform-dependencies.md#{Anchor}";
}

/// <summary>
/// The AKS platform-dependency catalog (docs/platform-dependencies.md): pure data. The remediation profiles use it (DNS
/// allow, add-on namespaces left alone) and <see cref="PlatformLint"/> checks any proposed policy set against it.
/// </summary>
public static class PlatformDependencies
{
    public static PlatformDependency Dns { get; } = new(
        "dns",
        "Cluster DNS (CoreDNS)",
        "egress to kube-system pods labelled k8s-app=kube-dns on UDP and TCP 53",
        "dns");

    public static PlatformDependency LocalDns { get; } = new(
        "localdns",
        "AKS LocalDNS (node-local DNS proxy)",
        "with LocalDNS on a node pool, pods ask 169.254.10.10 or 169.254.10.11 on port 53 instead of CoreDNS",
        "localdns");

    public static PlatformDependency ApiServer { get; } = new(
        "api-server",
        "Kubernetes API server egress",
        "pods that call the API server need egress on TCP 443 to its address (the endpoints of default/kubernetes, or the private endpoint); on Cilium, toEntities kube-apiserver",
        "api-server");

    public static PlatformDependency Webhooks { get; } = new(
        "webhooks",
        "API server to webhook backends through konnectivity-agent",
        "admission and conversion webhook pods need ingress from the kube-system pods labelled app=konnectivity-agent; Cilium fromEntities kube-apiserver does not match on AKS",
        "webhooks");

    public static PlatformDependency Imds { get; } = new(
        "imds",
        "Azure Instance Metadata Service (IMDS)",
        "169.254.169.254 on TCP 80; Azure NPM cannot block it, Cilium and Calico can; AKS can turn pod access off (podLinkLocalAccess None)",
        "imds");

    public static PlatformDependency MetricsServer { get; } = new(
        "metrics-server",
        "metrics-server",
        "kube-system pods labelled k8s-app=metrics-server need ingress from the API server and egress to every kubelet (TCP 10250)",
        "metrics-server");

    public static PlatformDependency AzureMonitor { get; } = new(
        "azure-monitor",
        "Azure Monitor agents (ama-logs, ama-metrics)",
        "kube-system pods ama-logs-* and ama-metrics-* need egress to the API server and to Azure Monitor endpoints on TCP 443",
        "azure-monitor");

    public static PlatformDependency WorkloadIdentity { get; } = new(
        "workload-identity",
        "Microsoft Entra Workload ID",
        "pods labelled azure.workload.identity/use=true exchange their token with Microsoft Entra ID (login.microsoftonline.com) on TCP 443",
        "workload-identity");

    public static PlatformDependency AddOnNamespaces { get; } = new(
        "add-on-namespaces",
        "AKS add-on namespaces",
        "namespaces AKS and its add-ons own are left alone: a policy there can break the cluster itself",
        "add-on-namespaces");

    /// <summary>Every entry, in the order the docs list them.</summary>
    public static IReadOnlyList<PlatformDependency> All { get; } =
        [Dns, LocalDns, ApiServer, Webhooks, Imds, MetricsServer, AzureMonitor, WorkloadIdentity, AddOnNamespaces];

    /// <summary>The addresses the AKS LocalDNS proxy answers on (node and cluster listener).</summary>
    public static IReadOnlyList<IPAddress> LocalDnsAddresses { get; } = [IPAddress.Parse("169.254.10.10"), IPAddress.Parse("169.254.10.11")];

    public static IPAddress ImdsAddress { get; } = IPAddress.Parse("169.254.169.254");

    /// <summary>The label the konnectivity-agent pods carry in kube-system.</summary>
    public static KeyValuePair<string, string> KonnectivityAgentLabel { get; } = new("app", "konnectivity-agent");

    public static KeyValuePair<string, string> MetricsServerLabel { get; } = new("k8s-app", "metrics-server");

    public static KeyValuePair<string, string> WorkloadIdentityLabel { get; } = new("azure.workload.identity/use", "true");

    /// <summary>Pod name prefixes of the Azure Monitor agents in kube-system.</summary>
    public static IReadOnlyList<string> AzureMonitorPodPrefixes { get; } = ["ama-logs", "ama-metrics"];

    /// <summary>Namespaces AKS or a managed add-on owns (kube-system, the policy and mesh add-ons, the node-level agents).</summary>
    public static IReadOnlySet<string> AddOnNamespaceNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "gatekeeper-system",
        "calico-system",
        "tigera-operator",
        "aks-istio-system",
        "aks-command",
        "app-routing-system",
        "flux-system",
    };

    /// <summary>Whether AKS or one of its managed add-ons owns the namespace.</summary>
    public static bool IsAddOnNamespace(string ns) => AddOnNamespaceNames.Contains(ns);
}
