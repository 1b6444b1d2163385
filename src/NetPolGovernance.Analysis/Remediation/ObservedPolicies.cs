using System.Globalization;
using System.Net.Sockets;
using System.Text;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// The policies of the <see cref="RemediationProfile.Observed"/> profile for one namespace: default deny, DNS, and one
/// <c>netpolgov-observed-*</c> policy per workload with one rule per observed forwarded (peer, protocol, port), in the
/// directions in which no policy the plan keeps isolates the workload. A workload is selected by its stable labels
/// (the pod's labels without the per-pod ones such as <c>pod-template-hash</c>), ANDed with the selector of the pods the
/// kept policies leave unisolated, so the allow never reaches a pod that is isolated today. Each rule carries its
/// provenance (events, first and last seen) as a YAML comment and in the <c>netpolgov.io/provenance</c> annotation.
/// </summary>
internal static class ObservedPolicies
{
    public const string NamePrefix = "netpolgov-observed-";

    public const string ProvenanceAnnotation = "netpolgov.io/provenance";

    /// <summary>Labels the controllers set per pod or per revision: never part of a workload's selector.</summary>
    private static readonly HashSet<string> s_perPodLabels = new(StringComparer.Ordinal)
    {
        "pod-template-hash",
        "controller-revision-hash",
        "pod-template-generation",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller-uid",
        "job-name",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-name",
        "batch.kubernetes.io/job-completion-index",
    };

    /// <summary>A pod's labels without the per-pod and per-revision ones: what every pod of its workload shares.</summary>
    public static IReadOnlyDictionary<string, string> StableLabels(IReadOnlyDictionary<string, string> labels) =>
        labels.Where(l => !s_perPodLabels.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    public static IReadOnlyList<NetworkPolicy> For(
        SnapshotIndex index,
        string ns,
        ObservedTraffic traffic,
        UnisolatedPods unisolated,
        List<string> notes)
    {
        var resolver = new FlowPeerResolver(index);
        var workloads = new SortedDictionary<string, Workload>(StringComparer.Ordinal);
        foreach (var edge in traffic.Edges.Where(e => e.Forwarded > 0))
        {
            var from = Resolve(resolver, index, edge.Key.Source, edge.SourceSample);
            var to = Resolve(resolver, index, edge.Key.Destination, edge.DestinationSample);
            if (to.Pod is { } destination && string.Equals(destination.Namespace, ns, StringComparison.Ordinal))
            {
                Add(workloads, edge.Key.Destination, destination, unisolated.Ingress, 0, notes)?.Ingress.Add((edge, Peer(from, edge.Key.Source)));
            }

            if (from.Pod is { } source && string.Equals(source.Namespace, ns, StringComparison.Ordinal))
            {
                Add(workloads, edge.Key.Source, source, unisolated.Egress, 1, notes)?.Egress.Add((edge, Peer(to, edge.Key.Destination)));
            }
        }

        var policies = new List<NetworkPolicy> { PolicyTemplates.DefaultDeny(ns, PolicyTemplates.DefaultDenyName, "Ingress", "Egress") };
        policies.AddRange(PolicyTemplates.AllowDns(ns, unisolated.Egress));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workload in workloads.Values)
        {
            if (Policy(ns, workload, names, notes) is { } policy)
            {
                policies.Add(policy);
            }
        }

        return policies;
    }

    private static (PodInfo? Pod, IReadOnlyDictionary<string, string>? Labels) Resolve(FlowPeerResolver resolver, SnapshotIndex index, FlowPeer peer, FlowEndpoint sample)
    {
        if (peer.Kind == FlowPeerKind.Address || !resolver.TryResolve(peer, sample, out var endpoint, out _))
        {
            return (null, peer.Kind == FlowPeerKind.Address ? null : sample.Labels);
        }

        return (endpoint.IsPod ? index.FindPod(endpoint.Namespace, endpoint.Pod) : null, null);
    }

    private static Workload? Add(SortedDictionary<string, Workload> workloads, FlowPeer peer, PodInfo pod, IReadOnlyList<LabelSelector> unisolated, int direction, List<string> notes)
    {
        var stable = StableLabels(pod.Labels);
        var key = Canonical(stable);
        if (stable.Count == 0)
        {
            notes.Add($"{peer}: its pods have no stable labels to select them by; no observed allow (the default deny applies)");
            return null;
        }

        if (!workloads.TryGetValue(key, out var workload))
        {
            workloads[key] = workload = new Workload(peer.Name, stable);
        }

        // The allow selects the workload only where the kept policies leave it unisolated in this direction.
        var term = unisolated.FirstOrDefault(s => LabelSelectors.Matches(s, pod.Labels));
        if (term is null)
        {
            notes.Add($"{peer}: already isolated by an existing policy for {(direction == 0 ? "ingress" : "egress")}; it keeps what that policy admits");
            return null;
        }

        workload.Terms[direction] ??= term;
        return workload;
    }

    private static NetworkPolicyPeer? Peer((PodInfo? Pod, IReadOnlyDictionary<string, string>? Labels) end, FlowPeer peer)
    {
        if (peer.Kind == FlowPeerKind.Address)
        {
            var bits = peer.Address!.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            return new NetworkPolicyPeer { IpBlock = new IpBlock(string.Create(CultureInfo.InvariantCulture, $"{peer.Address}/{bits}"), null) };
        }

        var labels = end.Pod is { } pod ? StableLabels(pod.Labels) : end.Labels is { Count: > 0 } seen ? StableLabels(seen) : null;
        if (labels is null || labels.Count == 0)
        {
            return null;
        }

        return new NetworkPolicyPeer
        {
            NamespaceSelector = new LabelSelector { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { [NamespaceNameLabel] = (end.Pod?.Namespace ?? peer.Namespace)! } },
            PodSelector = new LabelSelector { MatchLabels = labels },
        };
    }

    private const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    private static NetworkPolicy? Policy(string ns, Workload workload, HashSet<string> names, List<string> notes)
    {
        var ingress = Rules(workload.Ingress, "from", e => e.Key.Source, notes);
        var egress = Rules(workload.Egress, "to", e => e.Key.Destination, notes);
        if (ingress.Count == 0 && egress.Count == 0)
        {
            return null;
        }

        var types = new List<string>();
        if (ingress.Count > 0)
        {
            types.Add("Ingress");
        }

        if (egress.Count > 0)
        {
            types.Add("Egress");
        }

        var provenance = new StringBuilder();
        for (var i = 0; i < ingress.Count; i++)
        {
            provenance.Append(CultureInfo.InvariantCulture, $"ingress[{i}] {ingress[i].Comment}\n");
        }

        for (var i = 0; i < egress.Count; i++)
        {
            provenance.Append(CultureInfo.InvariantCulture, $"egress[{i}] {egress[i].Comment}\n");
        }

        return new NetworkPolicy
        {
            Namespace = ns,
            Name = UniqueName(workload.Name, names),
            Labels = PolicyTemplates.ManagedLabels,
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [ProvenanceAnnotation] = provenance.ToString().TrimEnd('\n') },
            PodSelector = Selector(workload.Stable, workload.Terms.OfType<LabelSelector>()),
            PolicyTypes = types,
            Ingress = ingress.Count > 0 ? ingress : null,
            Egress = egress.Count > 0 ? egress : null,
        };
    }

    private static List<NetworkPolicyRule> Rules(List<(FlowEdge Edge, NetworkPolicyPeer? Peer)> seen, string direction, Func<FlowEdge, FlowPeer> other, List<string> notes)
    {
        var rules = new List<NetworkPolicyRule>();
        foreach (var (edge, peer) in seen.OrderBy(s => other(s.Edge).ToString(), StringComparer.Ordinal).ThenBy(s => s.Edge.Key.Protocol).ThenBy(s => s.Edge.Key.Port))
        {
            var what = string.Create(CultureInfo.InvariantCulture, $"{direction} {other(edge)} {edge.Key.Protocol.ToKubernetes()}/{edge.Key.Port}");
            if (peer is null)
            {
                notes.Add($"{edge.Key.Source} -> {edge.Key.Destination} {edge.Key.Protocol.ToKubernetes()}/{edge.Key.Port}: the other end is not in the snapshot and its labels are unknown; not allowed");
                continue;
            }

            rules.Add(new NetworkPolicyRule
            {
                Comment = string.Create(CultureInfo.InvariantCulture, $"{what}: observed {edge.Count} times, first {edge.FirstSeen.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, last {edge.LastSeen.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"),
                Peers = [peer],
                Ports = [new NetworkPolicyPort { Protocol = edge.Key.Protocol.ToKubernetes(), Port = PortValue.FromNumber(edge.Key.Port) }],
            });
        }

        return rules;
    }

    // Both directions use one selector: the stable labels ANDed with the unisolated term of each direction that matched
    // the pod (narrower than either, never wider; when the kept policies isolate nobody the terms are {} and add nothing).
    private static LabelSelector Selector(IReadOnlyDictionary<string, string> stable, IEnumerable<LabelSelector> terms)
    {
        var labels = new Dictionary<string, string>(stable, StringComparer.Ordinal);
        var expressions = new List<LabelSelectorRequirement>();
        foreach (var term in terms)
        {
            foreach (var (key, value) in term.MatchLabels ?? new Dictionary<string, string>())
            {
                labels[key] = value;
            }

            expressions.AddRange(term.MatchExpressions ?? []);
        }

        return new LabelSelector { MatchLabels = labels, MatchExpressions = expressions.Count > 0 ? expressions : null };
    }

    private static string UniqueName(string workload, HashSet<string> names)
    {
        var slug = new StringBuilder();
        foreach (var c in workload.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var baseName = (NamePrefix + slug.ToString().Trim('-'))[..Math.Min(NamePrefix.Length + slug.Length, 240)].TrimEnd('-');
        var name = baseName;
        for (var i = 2; !names.Add(name); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{baseName}-{i}");
        }

        return name;
    }

    private static string Canonical(IReadOnlyDictionary<string, string> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private sealed class Workload(string name, IReadOnlyDictionary<string, string> stable)
    {
        public string Name { get; } = name;

        public IReadOnlyDictionary<string, string> Stable { get; } = stable;

        public LabelSelector?[] Terms { get; } = new LabelSelector?[2];

        public List<(FlowEdge Edge, NetworkPolicyPeer? Peer)> Ingress { get; } = [];

        public List<(FlowEdge Edge, NetworkPolicyPeer? Peer)> Egress { get; } = [];
    }
}
