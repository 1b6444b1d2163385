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

    public static IReadOnlyList<PodClass> Group(IEnumerable<PodInfo> pods, bool byPorts)
    {
        var classes = new Dictionary<string, List<PodInfo>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var key = Key(pod, byPorts);
            if (!classes.TryGetValue(key, out var members))
            {
                classes[key] = members = [];
            }

            members.Add(pod);
        }

        return [.. classes.Values.Select(m => new PodClass(m[0], m))];
    }

    private static string Key(PodInfo pod, bool byPorts)
    {
        var labels = string.Join('\u0001', pod.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "\u0002" + l.Value));
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
