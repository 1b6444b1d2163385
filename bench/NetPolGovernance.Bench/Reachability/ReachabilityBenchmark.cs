using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Bench.Analysis;
using NetPolGovernance.Bench.Harness;

namespace NetPolGovernance.Bench.Reachability;

/// <summary>
/// Reachability and remediation on the analysis workload (full size 20,000 pods / 2,000 policies / 200 namespaces):
/// building the engine's index, answering 10,000 questions, and planning one namespace with its impact preview
/// (every pair of that namespace's pods with every pod of the cluster, both directions). Smoke size is tiny.
/// </summary>
internal static class ReachabilityBenchmark
{
    public static int Run(bool smoke, TextWriter output)
    {
        var (namespaces, podsPerNamespace, policiesPerNamespace, queryCount, warmup, iterations) = smoke ? (4, 10, 10, 100, 1, 2) : (200, 100, 10, 10_000, 1, 5);
        var snapshot = AnalysisWorkload.Generate(namespaces, podsPerNamespace, policiesPerNamespace);
        var queries = Queries(snapshot, queryCount);
        var engine = new ReachabilityEngine(snapshot);
        var target = snapshot.Namespaces[1].Name;

        var build = StopwatchHarness.Measure(
            string.Create(CultureInfo.InvariantCulture, $"index {snapshot.Pods.Count} pods/{snapshot.NetworkPolicies.Count} np"),
            () => _ = new ReachabilityEngine(snapshot),
            warmup,
            iterations);
        var allowed = 0;
        var answer = StopwatchHarness.Measure(
            string.Create(CultureInfo.InvariantCulture, $"{queries.Count} questions with explanations"),
            () => allowed = queries.Count(q => engine.Evaluate(q).Allowed),
            warmup,
            iterations);
        RemediationPlan? plan = null;
        var remediate = StopwatchHarness.Measure(
            string.Create(CultureInfo.InvariantCulture, $"plan + verify + impact for 1 namespace ({podsPerNamespace} pods x {snapshot.Pods.Count})"),
            () => plan = RemediationPlanner.Plan(snapshot, [target], RemediationProfile.Baseline),
            0,
            smoke ? 1 : 2);

        StopwatchHarness.PrintTable(output, "Reachability and remediation (single thread)", [(build, "-"), (answer, "-"), (remediate, "-")]);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"allowed {allowed} of {queries.Count}; plan for {target}: verified {plan!.Namespaces[0].Verified}, {plan.Impact.Count} connections cut"));
        return plan.Namespaces[0].Verified ? 0 : 1;
    }

    // Deterministic spread of pod-to-pod and pod-to-address questions.
    private static List<ReachabilityQuery> Queries(ClusterSnapshot snapshot, int count)
    {
        var pods = snapshot.Pods;
        var result = new List<ReachabilityQuery>(count);
        for (var i = 0; i < count; i++)
        {
            var from = pods[(i * 7919) % pods.Count];
            var to = pods[(i * 104_729 + 13) % pods.Count];
            var destination = i % 10 == 0
                ? ReachabilityEndpoint.ForAddress(System.Net.IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.{i % 250}.0.{i % 200}")))
                : ReachabilityEndpoint.ForPod(to.Namespace, to.Name);
            result.Add(new ReachabilityQuery(ReachabilityEndpoint.ForPod(from.Namespace, from.Name), destination, i % 5 == 0 ? TransportProtocol.Udp : TransportProtocol.Tcp, i % 3 == 0 ? 53 : 8080));
        }

        return result;
    }
}
