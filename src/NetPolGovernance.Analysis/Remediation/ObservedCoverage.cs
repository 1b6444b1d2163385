using System.Globalization;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// How far the observed flows can vouch for one workload's needs, from 0 (nothing seen) to 1, and why it is less.
/// <c>remediate --apply --profile observed</c> refuses a plan with a workload below <c>--min-coverage</c>.
/// </summary>
public sealed record WorkloadCoverage(string Namespace, string Workload, double Confidence, IReadOnlyList<string> Reasons);

/// <summary>
/// Coverage confidence per workload of a namespace (docs/remediation.md): a workload no flow stood for scores 0 (a
/// CronJob that did not fire, a namespace the flow-log filter left out, a workload that was idle); one that was seen
/// scores the window's length over <see cref="FullCycle"/> (a week of traffic covers daily and weekly jobs), capped at 1.
/// </summary>
internal static class ObservedCoverage
{
    /// <summary>The window that counts as complete.</summary>
    public static readonly TimeSpan FullCycle = TimeSpan.FromDays(7);

    public static IReadOnlyList<WorkloadCoverage> Of(SnapshotIndex index, string ns, ObservedTraffic traffic)
    {
        var resolver = new FlowPeerResolver(index);
        var seenPods = new HashSet<string>(StringComparer.Ordinal);
        var seenWorkloads = new HashSet<string>(StringComparer.Ordinal);
        var namespaceSeen = false;
        foreach (var edge in traffic.Edges)
        {
            foreach (var (peer, sample) in new[] { (edge.Key.Source, edge.SourceSample), (edge.Key.Destination, edge.DestinationSample) })
            {
                if (!string.Equals(peer.Namespace, ns, StringComparison.Ordinal))
                {
                    continue;
                }

                namespaceSeen = true;
                seenWorkloads.Add(peer.Name);
                if (resolver.TryResolve(peer, sample, out var endpoint, out _) && endpoint.IsPod)
                {
                    seenPods.Add(endpoint.Pod);
                }
            }
        }

        var window = traffic.Window?.Length ?? TimeSpan.Zero;
        var seenShare = Math.Min(1, window / FullCycle);
        var result = new List<WorkloadCoverage>();
        foreach (var group in index.PodsIn(ns).GroupBy(WorkloadOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var reasons = new List<string>();
            var seen = seenWorkloads.Contains(group.Key) || group.Any(p => seenPods.Contains(p.Name));
            double confidence;
            if (seen)
            {
                confidence = seenShare;
                if (seenShare < 1)
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture, $"the flows span {Hours(window)} of the {FullCycle.TotalDays:0} days that count as a full cycle"));
                }
            }
            else
            {
                confidence = 0;
                reasons.Add("no flow of it in the window: what it needs is unknown (the default deny would cut it)");
                if (group.Key.StartsWith("CronJob/", StringComparison.Ordinal) || group.Any(IsJobPod))
                {
                    reasons.Add("a CronJob: it may not have fired in the window");
                }

                if (!namespaceSeen)
                {
                    reasons.Add($"no flow of namespace {ns} at all: the flow-log filter (ContainerNetworkLog includefilters) may exclude it");
                }
            }

            result.Add(new WorkloadCoverage(ns, group.Key, Math.Round(confidence, 2), reasons));
        }

        return result;
    }

    // A live Job's pods carry the Job's name (CronJobs run as Jobs); a manifest's CronJob is named by DerivedFrom.
    private static bool IsJobPod(PodInfo pod) =>
        pod.Labels.ContainsKey("batch.kubernetes.io/job-name") || pod.Labels.ContainsKey("job-name");

    // The workload a pod stands for: what the manifests derived it from, else its stable labels, else its own name.
    private static string WorkloadOf(PodInfo pod) =>
        pod.DerivedFrom ?? (ObservedPolicies.StableLabels(pod.Labels) is { Count: > 0 } labels
            ? string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))
            : pod.Name);

    private static string Hours(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");
}
