using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>The NetworkPolicy objects each <see cref="RemediationProfile"/> proposes for one namespace.</summary>
public static class PolicyTemplates
{
    /// <summary>The label on every object netpolgov creates; apply and backout select on it.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    public const string ManagedByValue = "netpolgov";

    /// <summary>The namespace and pod label of the cluster DNS (CoreDNS keeps the kube-dns label on AKS).</summary>
    public const string DnsNamespace = "kube-system";

    public const string DnsPodLabelKey = "k8s-app";

    public const string DnsPodLabelValue = "kube-dns";

    public const string DefaultDenyName = "netpolgov-default-deny";

    public const string DefaultDenyIngressName = "netpolgov-default-deny-ingress";

    public const string AllowDnsName = "netpolgov-allow-dns";

    public const string AllowSameNamespaceName = "netpolgov-allow-same-namespace";

    public const string AllowDeclaredPortsName = "netpolgov-allow-declared-ports";

    private static readonly IReadOnlyDictionary<string, string> s_managedLabels =
        new Dictionary<string, string>(StringComparer.Ordinal) { [ManagedByLabel] = ManagedByValue };

    /// <summary>The labels every object netpolgov creates carries.</summary>
    internal static IReadOnlyDictionary<string, string> ManagedLabels => s_managedLabels;

    /// <summary>
    /// The backout command for one namespace: deletes exactly the objects netpolgov created there. The namespace is
    /// shell-quoted (<see cref="ShellQuote"/>), so the printed line is one command whatever the name holds.
    /// </summary>
    public static string BackoutCommand(string ns) => $"kubectl delete networkpolicy -n {ShellQuote(ns)} -l {ManagedByLabel}={ManagedByValue}";

    /// <summary>
    /// POSIX shell quoting: a word of only <c>A-Z a-z 0-9 _ @ % + = : , . / -</c> is left as it is; anything else is
    /// put in single quotes, each <c>'</c> written as <c>'\''</c>. The empty string is <c>''</c>.
    /// </summary>
    public static string ShellQuote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '@' or '%' or '+' or '=' or ':' or ',' or '.' or '/' or '-'))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// The policies for <paramref name="ns"/> when no existing policy isolates any of its pods.
    /// <paramref name="pods"/> are the namespace's pods (strict reads their declared ports).
    /// </summary>
    public static IReadOnlyList<NetworkPolicy> For(RemediationProfile profile, string ns, IReadOnlyList<PodInfo> pods) =>
        For(profile, ns, pods, UnisolatedPods.Everyone);

    /// <summary>
    /// The policies for <paramref name="ns"/>, whose allows select only the pods <paramref name="unisolated"/> covers
    /// per direction: a pod an existing policy already isolates keeps exactly what it admits today. The default deny
    /// always selects every pod (it only ever removes traffic).
    /// </summary>
    internal static IReadOnlyList<NetworkPolicy> For(RemediationProfile profile, string ns, IReadOnlyList<PodInfo> pods, UnisolatedPods unisolated) => profile switch
    {
        RemediationProfile.Ingress => [DefaultDeny(ns, DefaultDenyIngressName, "Ingress")],
        RemediationProfile.Baseline =>
            [DefaultDeny(ns, DefaultDenyName, "Ingress", "Egress"), .. AllowDns(ns, unisolated.Egress), .. AllowWithinNamespace(ns, AllowSameNamespaceName, unisolated, null)],
        RemediationProfile.Strict => DeclaredPorts(pods) is { Count: > 0 } ports
            ? [DefaultDeny(ns, DefaultDenyName, "Ingress", "Egress"), .. AllowDns(ns, unisolated.Egress), .. AllowWithinNamespace(ns, AllowDeclaredPortsName, unisolated, ports)]
            : [DefaultDeny(ns, DefaultDenyName, "Ingress", "Egress"), .. AllowDns(ns, unisolated.Egress)],
        RemediationProfile.Observed => throw new ArgumentException("the observed profile needs flows: use RemediationPlanner.PlanObserved", nameof(profile)),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown remediation profile."),
    };

    /// <summary>Whether the object carries the managed-by label, i.e. netpolgov may replace or delete it.</summary>
    public static bool IsManaged(IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(ManagedByLabel, out var value) && string.Equals(value, ManagedByValue, StringComparison.Ordinal);

    /// <summary>The distinct (port, protocol) pairs the pods declare, ordered; pods with unknown ports add none.</summary>
    public static IReadOnlyList<(int Port, TransportProtocol Protocol)> DeclaredPorts(IEnumerable<PodInfo> pods)
    {
        var ports = new SortedSet<(int Port, TransportProtocol Protocol)>();
        foreach (var pod in pods)
        {
            foreach (var port in pod.ContainerPorts ?? [])
            {
                if (TransportProtocols.TryParse(port.Protocol, out var protocol) && port.Port is >= PortSet.MinPort and <= PortSet.MaxPort)
                {
                    ports.Add((port.Port, protocol));
                }
            }
        }

        return [.. ports];
    }

    internal static NetworkPolicy DefaultDeny(string ns, string name, params string[] types) => new()
    {
        Namespace = ns,
        Name = name,
        Labels = s_managedLabels,
        PodSelector = LabelSelector.Everything,
        PolicyTypes = types,
    };

    // Pinned with kubernetes.io/metadata.name: tenants can set other namespace labels (docs/semantics.md §2).
    // One policy per selector of the egress-unisolated pods; none when every pod is already egress-isolated.
    internal static IEnumerable<NetworkPolicy> AllowDns(string ns, IReadOnlyList<LabelSelector> selectors) =>
        selectors.Select((selector, i) => new NetworkPolicy
        {
            Namespace = ns,
            Name = Numbered(AllowDnsName, i, selectors.Count),
            Labels = s_managedLabels,
            PodSelector = selector,
            PolicyTypes = ["Egress"],
            Egress =
            [
                new NetworkPolicyRule
                {
                    Peers =
                    [
                        new NetworkPolicyPeer
                        {
                            NamespaceSelector = Select(LabelSelectors.NamespaceNameLabel, DnsNamespace),
                            PodSelector = Select(DnsPodLabelKey, DnsPodLabelValue),
                        },
                    ],
                    Ports = [Port(53, "UDP"), Port(53, "TCP")],
                },
            ],
        });

    // Traffic within the namespace (on the given ports, or all). One policy for both directions when no pod is
    // isolated today (the usual case); otherwise one per direction and selector of the unisolated pods.
    private static IEnumerable<NetworkPolicy> AllowWithinNamespace(
        string ns,
        string name,
        UnisolatedPods unisolated,
        IReadOnlyList<(int Port, TransportProtocol Protocol)>? ports)
    {
        var entries = ports?.Select(p => Port(p.Port, p.Protocol.ToKubernetes())).ToList();
        NetworkPolicyRule Rule() => new() { Peers = [new NetworkPolicyPeer { PodSelector = LabelSelector.Everything }], Ports = entries };
        if (unisolated.IsEveryone)
        {
            yield return new NetworkPolicy
            {
                Namespace = ns,
                Name = name,
                Labels = s_managedLabels,
                PodSelector = LabelSelector.Everything,
                PolicyTypes = ["Ingress", "Egress"],
                Ingress = [Rule()],
                Egress = [Rule()],
            };
            yield break;
        }

        for (var i = 0; i < unisolated.Ingress.Count; i++)
        {
            yield return new NetworkPolicy
            {
                Namespace = ns,
                Name = Numbered(name + "-ingress", i, unisolated.Ingress.Count),
                Labels = s_managedLabels,
                PodSelector = unisolated.Ingress[i],
                PolicyTypes = ["Ingress"],
                Ingress = [Rule()],
            };
        }

        for (var i = 0; i < unisolated.Egress.Count; i++)
        {
            yield return new NetworkPolicy
            {
                Namespace = ns,
                Name = Numbered(name + "-egress", i, unisolated.Egress.Count),
                Labels = s_managedLabels,
                PodSelector = unisolated.Egress[i],
                PolicyTypes = ["Egress"],
                Egress = [Rule()],
            };
        }
    }

    private static string Numbered(string name, int index, int count) =>
        count == 1 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}-{index + 1}");

    private static LabelSelector Select(string key, string value) =>
        new() { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value } };

    private static NetworkPolicyPort Port(int port, string protocol) => new() { Port = PortValue.FromNumber(port), Protocol = protocol };
}
