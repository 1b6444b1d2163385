using System.Net;
using CsCheck;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Tests.Properties;

namespace NetPolGovernance.Analysis.Tests.Reachability;

/// <summary>
/// reach agrees with scan on random snapshots (every policy kind, with decoded Cilium and Calico rules, profiles,
/// evidence and invisible kinds): a pod that scan calls ingress-isolated is never reported reachable from an address
/// that no ingress rule of its namespace could admit (no NetworkPolicy rule with an empty or missing peer list, no
/// ipBlock containing the address, no Cilium or Calico rule that could admit an address).
/// </summary>
public sealed class ReachScanAgreementPropertyTests
{
    private static readonly string[] s_addresses = ["10.1.2.3", "192.168.1.7", "8.8.8.8", "172.16.0.1", "2001:db8::1"];

    private static readonly Gen<(ClusterSnapshot Snapshot, string Address, int Port)> s_input =
        Gen.Select(SnapshotGen.Snapshot, Gen.OneOfConst(s_addresses), Gen.Int[1, 65535]);

    [Fact]
    public void IngressIsolatedPod_NeverReachableFromAnAddressNoRuleAdmits()
    {
        s_input.Sample(input =>
        {
            var snapshot = FirstOfEachPod(input.Snapshot);
            var address = IPAddress.Parse(input.Address);
            var assessment = SnapshotAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = Builders.Snap.Now });
            var engine = new ReachabilityEngine(snapshot);
            foreach (var ns in assessment.Namespaces)
            {
                if (CouldAdmit(snapshot.NetworkPolicies.Where(p => p.Namespace == ns.Name), address) || CrdCouldAdmit(snapshot, ns.Name))
                {
                    continue;
                }

                foreach (var pod in ns.IngressIsolatedPods)
                {
                    var query = new ReachabilityQuery(ReachabilityEndpoint.ForAddress(address), ReachabilityEndpoint.ForPod(ns.Name, pod), TransportProtocol.Tcp, input.Port);
                    var result = engine.Evaluate(query);
                    Assert.Null(result.Error);
                    Assert.NotEqual(ReachabilityVerdict.Allowed, result.Verdict);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void UnknownAnswers_AlwaysSayWhatCouldChangeThem()
    {
        s_input.Sample(input =>
        {
            var snapshot = FirstOfEachPod(input.Snapshot);
            var engine = new ReachabilityEngine(snapshot);
            foreach (var pod in snapshot.Pods.Take(4))
            {
                var result = engine.Evaluate(new ReachabilityQuery(
                    ReachabilityEndpoint.ForAddress(IPAddress.Parse(input.Address)), ReachabilityEndpoint.ForPod(pod.Namespace, pod.Name), TransportProtocol.Tcp, input.Port));
                Assert.All(result.UnknownBecause, reason =>
                {
                    Assert.StartsWith("unknown: ", reason, StringComparison.Ordinal);
                    Assert.EndsWith("could change it", reason, StringComparison.Ordinal);
                });
            }
        }, iter: 200);
    }

    // Scan keeps the first copy of a duplicate pod; the property is about policies, not about duplicates.
    private static ClusterSnapshot FirstOfEachPod(ClusterSnapshot snapshot) =>
        snapshot with { Pods = [.. snapshot.Pods.DistinctBy(p => (p.Namespace, p.Name))] };

    /// <summary>
    /// Whether a Cilium or Calico policy that applies in <paramref name="ns"/> has an ingress rule that could admit an
    /// address (read generously: anything but endpoint-only Cilium entries and Calico Deny or Log rules).
    /// </summary>
    private static bool CrdCouldAdmit(ClusterSnapshot snapshot, string ns)
    {
        foreach (var policy in snapshot.CiliumPolicies.Where(p => p.Namespace is null || p.Namespace == ns))
        {
            foreach (var rule in policy.Rules)
            {
                if (rule.Ingress.Count < rule.IngressCount
                    || rule.Ingress.Any(e => e.Entities is not null || e.Cidrs is not null || e.Unmodelled.Count > 0 || e.Endpoints is null))
                {
                    return true;
                }
            }
        }

        // A GlobalNetworkPolicy is global by its kind, whatever metadata.namespace it carries (as Calico reads it).
        return snapshot.CalicoPolicies
            .Where(p => p.Namespace is null || p.Namespace == ns || string.Equals(p.Kind.Trim(), "GlobalNetworkPolicy", StringComparison.Ordinal))
            .Any(p => p.Ingress.Count < p.IngressRuleCount || p.Ingress.Any(r => r.Action is not ("Deny" or "Log")));
    }

    private static bool CouldAdmit(IEnumerable<NetworkPolicy> policies, IPAddress address)
    {
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Ingress ?? [])
            {
                if (rule.Peers is null || rule.Peers.Count == 0)
                {
                    return true;
                }

                if (rule.Peers.Any(peer => peer.IpBlock is { } block && (!Cidr.TryParse(block.Cidr, out var cidr) || cidr!.Contains(address))))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
