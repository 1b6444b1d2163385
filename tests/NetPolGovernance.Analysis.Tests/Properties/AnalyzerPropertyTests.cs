using System.Text.Json;
using CsCheck;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Tests.Properties;

/// <summary>Property-based tests: the analyzer is total and its invariants hold on random snapshots.</summary>
public sealed class AnalyzerPropertyTests
{
    private const long Iterations = 400;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    private static readonly Gen<(ClusterSnapshot Snapshot, AnalysisOptions Options)> s_input = Gen.Select(SnapshotGen.Snapshot, SnapshotGen.Options);

    [Fact]
    public void Analyze_RandomSnapshots_NeverThrowsAndReportsEveryNamespaceOnceInOrder()
    {
        s_input.Sample(input =>
        {
            var result = SnapshotAnalyzer.Analyze(input.Snapshot, input.Options);

            var expected = input.Snapshot.Namespaces.Select(n => n.Name)
                .Concat(input.Snapshot.Pods.Select(p => p.Namespace))
                .Concat(input.Snapshot.NetworkPolicies.Select(p => p.Namespace))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            Assert.Superset(expected.ToHashSet(), result.Namespaces.Select(n => n.Name).ToHashSet());
            Assert.Equal(result.Namespaces.Select(n => n.Name).Order(StringComparer.Ordinal), result.Namespaces.Select(n => n.Name));
            Assert.Equal(6, result.ClusterFindings.Count);
            Assert.All(result.Namespaces, n => Assert.Equal(13, n.Findings.Count));
        }, iter: Iterations);
    }

    [Fact]
    public void Analyze_SameInput_GivesIdenticalOutput()
    {
        s_input.Sample(input =>
        {
            var first = JsonSerializer.Serialize(SnapshotAnalyzer.Analyze(input.Snapshot, input.Options), s_json);
            var second = JsonSerializer.Serialize(SnapshotAnalyzer.Analyze(input.Snapshot, input.Options), s_json);

            Assert.Equal(first, second);
        }, iter: Iterations / 2);
    }

    [Fact]
    public void Analyze_ShuffledPodsAndPolicies_SameNamespaceFacts()
    {
        s_input.Sample(input =>
        {
            var snapshot = input.Snapshot with { Pods = [.. input.Snapshot.Pods.DistinctBy(p => (p.Namespace, p.Name))] };
            var reversed = snapshot with { Pods = [.. snapshot.Pods.Reverse()], NetworkPolicies = [.. snapshot.NetworkPolicies.Reverse()] };

            var a = SnapshotAnalyzer.Analyze(snapshot, input.Options).Namespaces.Select(Facts);
            var b = SnapshotAnalyzer.Analyze(reversed, input.Options).Namespaces.Select(Facts);

            Assert.Equal(a, b);
        }, iter: Iterations / 2);
    }

    [Fact]
    public void Analyze_SelectAllDefaultDeny_IsolatesEveryPodOfItsNamespace()
    {
        Gen.Select(s_input, Gen.OneOfConst(SnapshotGen.NamespaceNames), Gen.OneOfConst("Ingress", "Egress")).Sample(input =>
        {
            var (snapshot, options) = input.Item1;
            var deny = new NetworkPolicy { Namespace = input.Item2, Name = "zz-deny", PodSelector = LabelSelector.Everything, PolicyTypes = [input.Item3] };
            var withDeny = snapshot with { NetworkPolicies = [.. snapshot.NetworkPolicies, deny] };

            var ns = SnapshotAnalyzer.Analyze(withDeny, options).Namespaces.Single(n => n.Name == input.Item2);

            var selectable = withDeny.Pods.GroupBy(p => (p.Namespace, p.Name)).Select(g => g.Last()) // a duplicate pod name keeps its later definition
                .Where(p => p.Namespace == input.Item2 && !p.HostNetwork).Select(p => p.Name).Order(StringComparer.Ordinal);
            var isolated = input.Item3 == "Ingress" ? ns.IngressIsolatedPods : ns.EgressIsolatedPods;
            var covered = input.Item3 == "Ingress" ? ns.IngressCoveredPods : ns.EgressCoveredPods;
            Assert.Equal(selectable, isolated);
            Assert.Equal(selectable, covered);
            Assert.True(input.Item3 == "Ingress" ? ns.DefaultDenyIngress : ns.DefaultDenyEgress);
            Assert.True(ns.HasPolicy);
            Assert.True(ns.HasAnyPolicy);
        }, iter: Iterations);
    }

    [Fact]
    public void Analyze_NamespaceWithoutNetworkPolicies_HasEmptyIsolationAndNoPolicy()
    {
        s_input.Sample(input =>
        {
            var result = SnapshotAnalyzer.Analyze(input.Snapshot, input.Options);
            var withPolicies = input.Snapshot.NetworkPolicies.Select(p => p.Namespace).ToHashSet(StringComparer.Ordinal);

            // Only a counted CRD policy can isolate or deny by default where no NetworkPolicy exists, and what it
            // isolates it also covers.
            var crdPolicies = input.Snapshot.CiliumPolicies.Count + input.Snapshot.CalicoPolicies.Count > 0;
            Assert.All(result.Namespaces.Where(n => !withPolicies.Contains(n.Name)), ns =>
            {
                Assert.False(ns.HasPolicy);
                Assert.Empty(ns.DeadPolicies);
                Assert.False(ns.AllowAllIngress || ns.AllowAllEgress);
                Assert.Empty(ns.IngressIsolatedPods.Except(ns.IngressCoveredPods));
                Assert.Empty(ns.EgressIsolatedPods.Except(ns.EgressCoveredPods));
                if (!crdPolicies)
                {
                    Assert.Empty(ns.IngressIsolatedPods);
                    Assert.Empty(ns.EgressIsolatedPods);
                    Assert.False(ns.DefaultDenyIngress || ns.DefaultDenyEgress);
                }
            });
        }, iter: Iterations);
    }

    [Fact]
    public void Analyze_PoliciesNeverSelectPodsOfAnotherNamespace()
    {
        s_input.Sample(input =>
        {
            var result = SnapshotAnalyzer.Analyze(input.Snapshot, input.Options);

            Assert.All(result.Namespaces, ns =>
            {
                var own = input.Snapshot.Pods.Where(p => p.Namespace == ns.Name && !p.HostNetwork).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                Assert.Subset(own, ns.IngressIsolatedPods.ToHashSet());
                Assert.Subset(own, ns.EgressIsolatedPods.ToHashSet());
                Assert.Subset(own, ns.IngressCoveredPods.ToHashSet());
                Assert.Subset(own, ns.EgressCoveredPods.ToHashSet());
                Assert.Subset(input.Snapshot.NetworkPolicies.Where(p => p.Namespace == ns.Name).Select(p => p.Name).ToHashSet(), ns.DeadPolicies.ToHashSet());
            });
        }, iter: Iterations);
    }

    [Fact]
    public void Analyze_IsolationImpliesCoverage_AndListsAreSortedWithoutDuplicates()
    {
        s_input.Sample(input =>
        {
            var result = SnapshotAnalyzer.Analyze(input.Snapshot, input.Options);

            Assert.All(result.Namespaces, ns =>
            {
                Assert.Subset(ns.IngressCoveredPods.ToHashSet(), ns.IngressIsolatedPods.ToHashSet());
                Assert.Subset(ns.EgressCoveredPods.ToHashSet(), ns.EgressIsolatedPods.ToHashSet());
                foreach (var list in new[] { ns.IngressIsolatedPods, ns.EgressIsolatedPods, ns.IngressCoveredPods, ns.EgressCoveredPods, ns.DeadPolicies, ns.HostNetworkPods })
                {
                    Assert.Equal(list.Distinct().Order(StringComparer.Ordinal), list);
                }

                Assert.True(!ns.HasPolicy || ns.HasAnyPolicy);
            });
        }, iter: Iterations);
    }

    [Fact]
    public void Analyze_StatusFollowsFindings()
    {
        s_input.Sample(input =>
        {
            var result = SnapshotAnalyzer.Analyze(input.Snapshot, input.Options);

            Assert.All(result.Namespaces, ns =>
            {
                var inProfile = ns.Findings.Concat(result.ClusterFindings).Where(f => f.InProfile).ToList();
                if (ns.Status == NamespaceStatus.Compliant)
                {
                    Assert.DoesNotContain(inProfile, f => f.Result is CheckResult.Fail or CheckResult.Unknown);
                    Assert.DoesNotContain(ns.Findings, f => f.CheckId == "NPG-N09" && f.Result == CheckResult.Fail);
                }

                if (ns.Status == NamespaceStatus.Unenforced)
                {
                    Assert.Contains(ns.Findings, f => f.CheckId == "NPG-N09" && f.Result == CheckResult.Fail);
                }

                Assert.Equal(input.Options.Profile == ComplianceProfile.Strict, ns.Findings.All(f => f.InProfile));
            });
        }, iter: Iterations);
    }

    [Fact]
    public void Unreadable_RandomProfiles_NeverCompliantAndNeverThrows()
    {
        Gen.Select(SnapshotGen.Snapshot, SnapshotGen.Options, Gen.OneOfConst(ClusterScanStatus.Unknown, ClusterScanStatus.Skipped, ClusterScanStatus.Scanned)).Sample(input =>
        {
            var result = SnapshotAnalyzer.Unreadable(input.Item1.Cluster, input.Item3, "unreachable", input.Item2, input.Item1.NetworkProfile);

            Assert.NotEqual(ClusterScanStatus.Scanned, result.Status);
            Assert.Equal(0, result.CompliantNamespaceCount);
            Assert.DoesNotContain(result.ClusterFindings, f => f.CheckId is "NPG-C02" or "NPG-C05" && f.Result == CheckResult.Pass);
        }, iter: Iterations);
    }

    private static string Facts(NamespaceAssessment ns) => string.Join(
        "|",
        ns.Name,
        ns.HasPolicy,
        string.Join(",", ns.IngressIsolatedPods),
        string.Join(",", ns.EgressIsolatedPods),
        ns.DefaultDenyIngress,
        ns.DefaultDenyEgress,
        ns.AllowAllIngress,
        ns.AllowAllEgress,
        string.Join(",", ns.DeadPolicies),
        ns.HasAnyPolicy,
        string.Join(",", ns.IngressCoveredPods),
        string.Join(",", ns.EgressCoveredPods),
        ns.Status);
}
