using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Engines;

/// <summary>
/// Which engine enforces policy when no ARM profile is known (docs/semantics.md §10): the DaemonSet list decides when
/// it was read; an unreadable list leaves the engine, and the verdict, Unknown; a declared engine is reported as declared.
/// A NetworkPolicy is only a stored object until an engine enforces it.
/// </summary>
public sealed class EngineEvidenceTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web")];

    /// <summary>A namespace every check of the baseline profile passes, if anything enforces its policy.</summary>
    private static ClusterSnapshot WellCovered() =>
        App(s_pods, Policy("app", "deny-all", Sel(), types: ["Ingress", "Egress"])) with { Source = SnapshotSource.KubernetesApi };

    [Fact]
    public void NoProfile_DaemonSetListReadWithoutEngine_NothingEnforcesAndTheNamespaceIsUnenforced()
    {
        var snapshot = WellCovered() with { EngineEvidence = Evidence() };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal("none", cluster.Engine.Name);
        Assert.Equal(CheckResult.Fail, FindingOf(cluster, "NPG-C01").Result);
        Assert.Equal(CheckResult.Fail, FindingOf(cluster, "NPG-C02").Result);
        var ns = cluster.Namespaces.Single(n => n.Name == "app");
        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N09").Result);
        Assert.Equal(NamespaceStatus.Unenforced, ns.Status);
    }

    [Fact]
    public void NoProfile_DaemonSetListUnreadable_EngineAndNamespaceAreUnknown()
    {
        var snapshot = WellCovered() with { EngineEvidence = new EngineEvidence { Unavailable = true, UnavailableReason = "forbidden" } };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal("unknown", cluster.Engine.Name);
        Assert.Equal(CheckResult.Unknown, FindingOf(cluster, "NPG-C01").Result);
        var ns = cluster.Namespaces.Single(n => n.Name == "app");
        Assert.Equal(CheckResult.Unknown, FindingOf(ns, "NPG-N09").Result);
        Assert.Equal(NamespaceStatus.Unknown, ns.Status);
    }

    [Fact]
    public void NoProfile_EngineDaemonSetNotReadyEverywhere_IsUnknownNotNone()
    {
        var snapshot = WellCovered() with { EngineEvidence = Evidence(new EngineDaemonSet("calico", "calico-system", "calico-node", 3, 1)) };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal("unknown", cluster.Engine.Name);
        Assert.Equal(CheckResult.Unknown, FindingOf(cluster, "NPG-C01").Result);
        Assert.Equal(NamespaceStatus.Unknown, cluster.Namespaces.Single(n => n.Name == "app").Status);
    }

    [Fact]
    public void NoProfile_EngineDaemonSetWithNoReadyPod_NothingEnforces()
    {
        var snapshot = WellCovered() with { EngineEvidence = Evidence(new EngineDaemonSet("cilium", "kube-system", "cilium", 3, 0)) };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal("none", cluster.Engine.Name);
        Assert.Equal(CheckResult.Fail, FindingOf(cluster, "NPG-C01").Result);
        Assert.Equal(NamespaceStatus.Unenforced, cluster.Namespaces.Single(n => n.Name == "app").Status);
    }

    [Theory]
    [InlineData("antrea")]
    [InlineData("kube-router")]
    [InlineData("weave-net")]
    public void NoProfile_ReadyDaemonSetOfAnotherEngine_EnforcesNetworkPoliciesButNotCiliumPolicies(string engine)
    {
        var snapshot = WellCovered() with
        {
            EngineEvidence = Evidence(Ready(engine)),
            CiliumPolicies = [new CiliumPolicy { Kind = "CiliumNetworkPolicy", Namespace = "app", Name = "l7", Rules = [new CiliumRule { EndpointSelector = Sel(), IngressCount = 1 }] }],
        };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal(engine, cluster.Engine.Name);
        Assert.Equal(CheckResult.Pass, FindingOf(cluster, "NPG-C01").Result);
        Assert.Equal(CheckResult.Fail, FindingOf(cluster, "NPG-C05").Result);
        Assert.Equal(NamespaceStatus.Compliant, cluster.Namespaces.Single(n => n.Name == "app").Status);
    }

    [Fact]
    public void DeclaredEngine_WhereNothingIsDetected_IsUsedAndReportedAsDeclared()
    {
        var snapshot = WellCovered() with { EngineEvidence = Evidence() };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options() with { DeclaredEngine = "cilium" });

        Assert.Equal("cilium", cluster.Engine.Name);
        Assert.True(cluster.Engine.Declared);
        Assert.Contains("declared", cluster.Engine.Basis, StringComparison.Ordinal);
        Assert.Equal(CheckResult.Pass, FindingOf(cluster, "NPG-C01").Result);
        Assert.Equal(CheckResult.NotApplicable, FindingOf(cluster, "NPG-C02").Result);
        Assert.Equal(NamespaceStatus.Compliant, cluster.Namespaces.Single(n => n.Name == "app").Status);
    }

    [Fact]
    public void DeclaredEngine_WhenArmNamesOne_IsNotUsed()
    {
        var snapshot = WellCovered() with { NetworkProfile = Profile(policy: "calico", dataplane: null), EngineEvidence = Evidence(Ready("calico")) };

        var cluster = SnapshotAnalyzer.Analyze(snapshot, Options() with { DeclaredEngine = "cilium" });

        Assert.Equal("calico", cluster.Engine.Name);
        Assert.False(cluster.Engine.Declared);
        Assert.Contains("declared engine cilium is not used", cluster.Engine.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclaredEngineNone_TurnsPoliciesUnenforced()
    {
        var cluster = SnapshotAnalyzer.Analyze(App(s_pods, Policy("app", "deny-all", Sel(), types: ["Ingress", "Egress"])), Options() with { DeclaredEngine = "none" });

        Assert.Equal("none", cluster.Engine.Name);
        Assert.Equal(NamespaceStatus.Unenforced, cluster.Namespaces.Single(n => n.Name == "app").Status);
    }

    [Fact]
    public void DeclaredEngine_UnknownName_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => SnapshotAnalyzer.Analyze(WellCovered(), Options() with { DeclaredEngine = "flannel" }));
    }

    [Fact]
    public void Manifests_WithoutEngineEvidence_EngineUnknownAndSaidSo()
    {
        var cluster = SnapshotAnalyzer.Analyze(App(s_pods, Policy("app", "deny-all", Sel(), types: ["Ingress", "Egress"])), Options());

        Assert.Equal("unknown", cluster.Engine.Name);
        Assert.Equal(CheckResult.NotApplicable, FindingOf(cluster, "NPG-C01").Result);
        Assert.Contains(cluster.Notes, n => n.StartsWith("policy engine unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void Unreadable_Cluster_CarriesAnEngineLine()
    {
        var cluster = SnapshotAnalyzer.Unreadable(new ClusterIdentity { Name = "c" }, ClusterScanStatus.Unknown, "timeout", Options());

        Assert.Equal("unknown", cluster.Engine.Name);
        Assert.Contains("timeout", cluster.Engine.Basis, StringComparison.Ordinal);
    }
}
