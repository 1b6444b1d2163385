using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// Pods grouped by what NetworkPolicy can tell apart: namespace and labels (and, for destinations, declared
/// container ports). Every member behaves like the representative, so a question is answered once per class.
/// </summary>
internal sealed class PodClass
{
    private PodClass(PodInfo representative, List<PodInfo> members)
    {
        Representative = representative;
        Members = members;
    }

    public PodInfo Representative { get; }

    public IReadOnlyList<PodInfo> Members { get; }

    public string Namespace => Representative.Namespace;

    /// <summary>
    /// Groups pods. Only labels whose key appears in <paramref name="selectedKeys"/> (the pod-selector keys of every
    /// policy in play) can tell pods apart, so others, such as <c>pod-template-hash</c>, are ignored.
    /// </summary>
    public static IReadOnlyList<PodClass> Group(IEnumerable<PodInfo> pods, bool byPorts, IReadOnlySet<string>? selectedKeys = null)
    {
        var classes = new Dictionary<string, List<PodInfo>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var key = Key(pod, byPorts, selectedKeys);
            if (!classes.TryGetValue(key, out var members))
            {
                classes[key] = members = [];
            }

            members.Add(pod);
        }

        return [.. classes.Values.Select(m => new PodClass(m[0], m))];
    }

    /// <summary>Every label key a pod selector (the policy's own or a peer's) of these policies mentions.</summary>
    public static IReadOnlySet<string> SelectedKeys(IEnumerable<NetworkPolicy> policies)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Add(LabelSelector? selector)
        {
            foreach (var key in selector?.MatchLabels?.Keys ?? [])
            {
                keys.Add(key);
            }

            foreach (var requirement in selector?.MatchExpressions ?? [])
            {
                keys.Add(requirement.Key);
            }
        }

        foreach (var policy in policies)
        {
            Add(policy.PodSelector);
            foreach (var rule in (policy.Ingress ?? []).Concat(policy.Egress ?? []))
            {
                foreach (var peer in rule.Peers ?? [])
                {
                    Add(peer.PodSelector);
                }
            }
        }

        return keys;
    }

    private static string Key(PodInfo pod, bool byPorts, IReadOnlySet<string>? selectedKeys)
    {
        var labels = string.Join('\u0001', pod.Labels.Where(l => selectedKeys is null || selectedKeys.Contains(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "\u0002" + l.Value));
        var key = pod.Namespace + "\u0000" + labels;
        if (byPorts)
        {
            key += "\u0000" + (pod.ContainerPorts is null
                ? "?"
                : string.Join('\u0001', pod.ContainerPorts.Select(p => $"{p.Name}\u0002{p.Port}\u0002{p.Protocol}")));
        }

        return key;
    }
}
