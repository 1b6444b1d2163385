using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Diff;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Diff;

/// <summary>Golden diffs on small pairs (docs/diff.md), written from the NetworkPolicy semantics.</summary>
public sealed class PolicyDiffTests
{
    private static readonly AnalysisOptions s_options = new() { Now = Now };

    private static ClusterSnapshot Cluster(params NetworkPolicy[] policies) => new()
    {
        Cluster = new ClusterIdentity { Name = "c1" },
        Namespaces = [Ns("shop", "kubernetes.io/metadata.name=shop"), Ns("web", "kubernetes.io/metadata.name=web"), Ns("default"), Ns("kube-system")],
        Pods =
        [
            Pod("shop", "api", "app=api") with { ContainerPorts = [new ContainerPort("http", 8080, "TCP")] },
            Pod("shop", "db", "app=db") with { ContainerPorts = [new ContainerPort(null, 5432, "TCP")] },
            Pod("web", "frontend", "app=frontend") with { ContainerPorts = [new ContainerPort(null, 80, "TCP")] },
        ],
        NetworkPolicies = policies,
    };

    private static NetworkPolicy DenyIngress(string ns, string name = "default-deny") => Policy(ns, name, Sel(), ["Ingress"]);

    [Fact]
    public void RemovingADefaultDeny_OpensExactlyTheConnectionsItDenied()
    {
        var baseSet = Cluster(DenyIngress("shop"));
        var head = Cluster();

        var diff = PolicyDiff.Compute(baseSet, head, s_options);

        // Per declared port, then whatever else opens on the same pair; from the other pods and from outside the cluster
        // (no ipBlock anywhere: one public address stands for every address).
        Assert.Equal(
            [
                "ip:203.0.113.10 -> shop/api 8080/TCP (http)", "ip:203.0.113.10 -> shop/db 5432/TCP",
                "shop/api -> shop/db 5432/TCP", "shop/db -> shop/api 8080/TCP (http)", "web/frontend -> shop/api 8080/TCP (http)", "web/frontend -> shop/db 5432/TCP",
            ],
            diff.Opened.Where(c => !c.Traffic.StartsWith("undeclared", StringComparison.Ordinal)).Select(c => $"{c.From} -> {c.To} {c.Traffic}").Order(StringComparer.Ordinal));
        Assert.Equal(6, diff.Opened.Count(c => c.Traffic.StartsWith("undeclared ports: ", StringComparison.Ordinal)));
        Assert.Empty(diff.Closed);
        Assert.All(diff.Opened, c =>
        {
            Assert.Contains("shop/default-deny", c.Before, StringComparison.Ordinal);
            Assert.Contains("not isolated", c.After, StringComparison.Ordinal);
        });
        Assert.True(PolicyDiff.OpensBeyondNamespace(diff));
    }

    [Fact]
    public void AddingADefaultDeny_ClosesThoseConnections_AndMakesTheNamespaceCompliant()
    {
        var diff = PolicyDiff.Compute(Cluster(), Cluster(DenyIngress("shop")), s_options);

        Assert.Equal(6, diff.Closed.Select(c => (c.From, c.To)).Distinct().Count());
        Assert.Equal(2, diff.Closed.Where(c => c.From == "ip:203.0.113.10").Select(c => c.To).Distinct().Count());
        Assert.Empty(diff.Opened);
        Assert.False(PolicyDiff.OpensBeyondNamespace(diff));
        var change = Assert.Single(diff.ComplianceChanges, c => c.Namespace == "shop");
        Assert.Equal(NamespaceStatus.NonCompliant, change.Before);
        Assert.NotEqual(NamespaceStatus.NonCompliant, change.After);
        Assert.Contains(diff.FindingsFixed, f => f.Namespace == "shop");
    }

    [Fact]
    public void RenamingAPolicyWithoutChangingIt_DiffsEmpty()
    {
        var diff = PolicyDiff.Compute(Cluster(DenyIngress("shop", "deny-a")), Cluster(DenyIngress("shop", "deny-b")), s_options);

        Assert.Empty(diff.Opened);
        Assert.Empty(diff.Closed);
        Assert.Empty(diff.ComplianceChanges);
    }

    [Fact]
    public void OpeningOnlyWithinANamespace_IsNotExposedBeyondIt()
    {
        var allowSame = Policy("shop", "allow-same", Sel(), ["Ingress"], ingress: [Rule([PodPeer(Sel())])]);

        var diff = PolicyDiff.Compute(Cluster(DenyIngress("shop")), Cluster(DenyIngress("shop"), allowSame), s_options);

        Assert.Equal(2, diff.Opened.Select(c => (c.From, c.To)).Distinct().Count());
        Assert.All(diff.Opened, c => Assert.StartsWith("shop/", c.From, StringComparison.Ordinal));
        Assert.False(PolicyDiff.OpensBeyondNamespace(diff));
    }

    [Fact]
    public void AllowingACidrWithAHole_OpensFromTheRangeOnly_AndIsExposedBeyondTheNamespace()
    {
        var fromOffice = Policy("shop", "allow-office", Sel("app=api"), ["Ingress"], ingress: [Rule([IpPeer("10.0.0.0/8", "10.1.0.0/16")], Port(8080))]);

        var diff = PolicyDiff.Compute(Cluster(DenyIngress("shop")), Cluster(DenyIngress("shop"), fromOffice), s_options);

        // 10.0.0.0 stands for the block, 10.2.0.0 for what follows the hole; the public address and the hole stay denied.
        Assert.Equal(
            ["ip:10.0.0.0 -> shop/api 8080/TCP (http)", "ip:10.2.0.0 -> shop/api 8080/TCP (http)"],
            diff.Opened.Select(c => $"{c.From} -> {c.To} {c.Traffic}").Order(StringComparer.Ordinal));
        Assert.All(diff.Opened, c => Assert.Contains("shop/allow-office", c.After, StringComparison.Ordinal));
        Assert.True(PolicyDiff.OpensBeyondNamespace(diff));
    }

    [Fact]
    public void AllowingEgressToTheInternet_OpensEgressToAddressesOutsideTheCluster()
    {
        var denyEgress = Policy("shop", "deny-egress", Sel(), ["Egress"]);
        var toInternet = Policy("shop", "allow-https-out", Sel("app=api"), ["Egress"], egress: [Rule([IpPeer("0.0.0.0/0", "10.0.0.0/8")], Port(443))]);

        var diff = PolicyDiff.Compute(Cluster(denyEgress), Cluster(denyEgress, toInternet), s_options);

        var external = diff.Opened.Where(c => c.To.StartsWith("ip:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["ip:0.0.0.0", "ip:11.0.0.0", "ip:203.0.113.10"], external.Select(c => c.To).Order(StringComparer.Ordinal));
        Assert.All(external, c => Assert.Equal(("shop/api", "TCP 443"), (c.From, c.Traffic)));
        Assert.DoesNotContain(diff.Opened, c => c.From == "shop/db");
    }

    [Fact]
    public void OpenedConnection_PointsAtTheHeadPolicyThatSelectsTheDestination()
    {
        var unchanged = DenyIngress("shop") with { Source = new SourceLocation("base/deny.yaml", 1) };
        var moved = unchanged with { Source = new SourceLocation("head/deny.yaml", 9) };
        var allowWeb = Policy("shop", "allow-web", Sel("app=api"), ["Ingress"], ingress: [Rule([NsPeer(Sel("kubernetes.io/metadata.name=web"))], Port(8080))])
            with { Source = new SourceLocation("head/allow-web.yaml", 4) };

        var diff = PolicyDiff.Compute(Cluster(unchanged), Cluster(moved, allowWeb), s_options);

        var opened = Assert.Single(diff.Opened);
        Assert.Equal(("web/frontend", "shop/api"), (opened.From, opened.To));
        Assert.Equal(new SourceLocation("head/allow-web.yaml", 4), opened.Location);
    }
}
