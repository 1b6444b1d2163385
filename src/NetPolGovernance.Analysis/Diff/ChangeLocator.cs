using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Diff;

/// <summary>
/// Points a changed connection at the head's files, for code scanning (which shows only what the head changed): the
/// head NetworkPolicy, added or with a changed spec, that selects the destination pod (or, for egress, the source
/// pod); else the pod's own manifest. A policy whose spec is the same as the base's (even moved to another file or
/// line) is not a change.
/// </summary>
internal sealed class ChangeLocator
{
    private readonly List<NetworkPolicy> _changed;
    private readonly Dictionary<string, PodInfo> _pods;

    public ChangeLocator(ClusterSnapshot baseSnapshot, ClusterSnapshot headSnapshot)
    {
        var before = baseSnapshot.NetworkPolicies.Select(Spec).ToHashSet(StringComparer.Ordinal);
        _changed = [.. headSnapshot.NetworkPolicies.Where(p => !before.Contains(Spec(p)))];
        _pods = new Dictionary<string, PodInfo>(StringComparer.Ordinal);
        foreach (var pod in headSnapshot.Pods)
        {
            _pods.TryAdd(SnapshotIndex.Key(pod.Namespace, pod.Name), pod);
        }
    }

    public SourceLocation? For(string from, string to)
    {
        var destination = _pods.GetValueOrDefault(to);
        var source = _pods.GetValueOrDefault(from);
        return Selecting(destination)?.Source
            ?? Selecting(source)?.Source
            ?? destination?.Source
            ?? source?.Source;
    }

    private NetworkPolicy? Selecting(PodInfo? pod) =>
        pod is null
            ? null
            : _changed.FirstOrDefault(p => p.Source is not null
                && string.Equals(p.Namespace, pod.Namespace, StringComparison.Ordinal)
                && LabelSelectors.Matches(p.PodSelector, pod.Labels));

    /// <summary>What a policy says, without where it was written: its namespace, name and spec as canonical JSON.</summary>
    private static string Spec(NetworkPolicy policy) => JsonSerializer.Serialize(policy with { Source = null });
}
