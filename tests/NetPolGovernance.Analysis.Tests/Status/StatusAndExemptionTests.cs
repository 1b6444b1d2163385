using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Status;

public sealed class StatusAndExemptionTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web")];

    private static NetworkPolicy DenyAll() => Policy("app", "deny-all", Sel(), ["Ingress", "Egress"]);

    private static ClusterSnapshot Cilium(ClusterSnapshot snapshot) =>
        snapshot with { NetworkProfile = Profile(), EngineEvidence = Evidence(Ready("cilium")) };

    [Theory]
    [InlineData(ComplianceProfile.Cis, NamespaceStatus.Compliant)]
    [InlineData(ComplianceProfile.Baseline, NamespaceStatus.NonCompliant)]
    [InlineData(ComplianceProfile.Strict, NamespaceStatus.NonCompliant)]
    public void Profile_AllowAllIngressOnly_DependsOnProfile(ComplianceProfile profile, NamespaceStatus expected)
    {
        var snapshot = Cilium(App(s_pods, DenyAll(), Policy("app", "allow", Sel(), ["Ingress"], ingress: [AllowAll()])));

        var ns = AnalyzeNamespace(snapshot, options: Options(profile));

        Assert.Equal(expected, ns.Status);
        Assert.Equal(profile != ComplianceProfile.Cis, ns.Findings.Single(f => f.CheckId == "NPG-N06").InProfile);
    }

    [Theory]
    [InlineData(ComplianceProfile.Cis, NamespaceStatus.Compliant)]
    [InlineData(ComplianceProfile.Baseline, NamespaceStatus.Compliant)]
    [InlineData(ComplianceProfile.Strict, NamespaceStatus.NonCompliant)]
    public void Profile_IngressOnlyDefaultDeny_StrictWantsEgressToo(ComplianceProfile profile, NamespaceStatus expected)
    {
        var snapshot = Cilium(App(s_pods, Policy("app", "deny-in", Sel(), ["Ingress"])));

        Assert.Equal(expected, AnalyzeNamespace(snapshot, options: Options(profile)).Status);
    }

    [Fact]
    public void Status_DenyAllOnCilium_Compliant()
    {
        Assert.Equal(NamespaceStatus.Compliant, AnalyzeNamespace(Cilium(App(s_pods, DenyAll())), options: Options(ComplianceProfile.Strict)).Status);
    }

    [Fact]
    public void Status_NoPolicies_NonCompliantUnderCis()
    {
        Assert.Equal(NamespaceStatus.NonCompliant, AnalyzeNamespace(App(s_pods), options: Options(ComplianceProfile.Cis)).Status);
    }

    [Fact]
    public void Status_ClusterCheckC01FailingInProfile_MakesEveryNamespaceNonCompliant()
    {
        var snapshot = App(s_pods) with { NetworkProfile = Profile(policy: "none", dataplane: "azure") };

        Assert.Equal(NamespaceStatus.NonCompliant, AnalyzeNamespace(snapshot, options: Options(ComplianceProfile.Cis)).Status);
    }

    [Fact]
    public void Status_UnenforcedBeatsNonCompliant()
    {
        var snapshot = App(s_pods, Policy("app", "allow", Sel(), ["Ingress"], ingress: [AllowAll()])) with
        {
            NetworkProfile = Profile(policy: "none", dataplane: "azure"),
        };

        Assert.Equal(NamespaceStatus.Unenforced, AnalyzeNamespace(snapshot).Status);
    }

    [Fact]
    public void Platform_KubeSystem_ExemptByDefaultWithReason()
    {
        var snapshot = Snapshot([Ns("kube-system")], [Pod("kube-system", "coredns")]);

        var ns = AnalyzeNamespace(snapshot, "kube-system");

        Assert.Equal(NamespaceStatus.Exempt, ns.Status);
        Assert.True(ns.System);
        var n01 = ns.Findings.Single(f => f.CheckId == "NPG-N01");
        Assert.Equal(CheckResult.Exempt, n01.Result);
        Assert.Equal("platform-managed", n01.ExemptionReason);
    }

    [Fact]
    public void Platform_EmptyOverride_TurnsDefaultExemptionOffButKeepsSystemTag()
    {
        var snapshot = Snapshot([Ns("kube-system")], [Pod("kube-system", "coredns")]);

        var ns = AnalyzeNamespace(snapshot, "kube-system", Options(platform: []));

        Assert.Equal(NamespaceStatus.NonCompliant, ns.Status);
        Assert.True(ns.System);
    }

    [Fact]
    public void Platform_CustomGlobOverride_ExemptsMatchingNamespaces()
    {
        var snapshot = Snapshot([Ns("platform-logging"), Ns("kube-system")]);

        var result = SnapshotAnalyzer.Analyze(snapshot, Options(platform: ["platform-*"]));

        Assert.Equal(NamespaceStatus.Exempt, result.Namespaces.Single(n => n.Name == "platform-logging").Status);
        Assert.True(result.Namespaces.Single(n => n.Name == "platform-logging").System);
        Assert.Equal(NamespaceStatus.NonCompliant, result.Namespaces.Single(n => n.Name == "kube-system").Status);
    }

    [Fact]
    public void Exemption_WholeNamespaceByGlob_ExemptWithOwner()
    {
        var exemption = new Exemption { Namespace = "ap?", Owner = "team-a", Reason = "migration", ExpiresOn = Now.AddDays(30) };

        var ns = AnalyzeNamespace(App(s_pods), options: Options(exemptions: [exemption]));

        Assert.Equal(NamespaceStatus.Exempt, ns.Status);
        Assert.Equal("team-a", ns.Owner);
        var n01 = ns.Findings.Single(f => f.CheckId == "NPG-N01");
        Assert.Equal(("migration", "team-a", Now.AddDays(30)), (n01.ExemptionReason, n01.ExemptionOwner, n01.ExemptionExpiresOn));
    }

    [Fact]
    public void Exemption_SpecificCheckOnly_OtherFailuresStillCount()
    {
        var exemption = new Exemption { Namespace = "app", Checks = ["NPG-N06"], Owner = "o", Reason = "r", ExpiresOn = Now.AddDays(1) };
        var snapshot = Cilium(App(s_pods, Policy("app", "allow", Sel(), ["Ingress"], ingress: [AllowAll()])));

        var ns = AnalyzeNamespace(snapshot, options: Options(exemptions: [exemption]));

        Assert.Equal(CheckResult.Exempt, ns.Findings.Single(f => f.CheckId == "NPG-N06").Result);
        Assert.Equal(NamespaceStatus.NonCompliant, ns.Status);
    }

    [Fact]
    public void Exemption_CoveringEveryInProfileFailure_NamespaceExempt()
    {
        var exemption = new Exemption { Namespace = "app", Checks = ["npg-n06", "NPG-N02"], Owner = "o", Reason = "r", ExpiresOn = Now.AddDays(1) };
        var snapshot = Cilium(App(s_pods, Policy("app", "allow", Sel(), ["Ingress"], ingress: [AllowAll()])));

        Assert.Equal(NamespaceStatus.Exempt, AnalyzeNamespace(snapshot, options: Options(exemptions: [exemption])).Status);
    }

    [Fact]
    public void Exemption_Expired_StopsApplyingAndRaisesN10()
    {
        var exemption = new Exemption { Id = "legacy", Namespace = "app", Owner = "team-a", Reason = "r", ExpiresOn = Now.AddDays(-1) };

        var ns = AnalyzeNamespace(App(s_pods), options: Options(ComplianceProfile.Strict, exemptions: [exemption]));

        Assert.Equal(NamespaceStatus.NonCompliant, ns.Status);
        Assert.Equal(CheckResult.Fail, ns.Findings.Single(f => f.CheckId == "NPG-N01").Result);
        var n10 = ns.Findings.Single(f => f.CheckId == "NPG-N10");
        Assert.Equal(CheckResult.Fail, n10.Result);
        Assert.Equal(["legacy"], n10.Evidence["exemptions"]);
    }

    [Fact]
    public void Exemption_ExpiresExactlyNow_IsExpired()
    {
        var exemption = new Exemption { Namespace = "app", Owner = "o", Reason = "r", ExpiresOn = Now };

        var ns = AnalyzeNamespace(App(s_pods), options: Options(exemptions: [exemption]));

        Assert.Equal(CheckResult.Fail, ns.Findings.Single(f => f.CheckId == "NPG-N10").Result);
        Assert.Equal("exemption[0]", ns.Findings.Single(f => f.CheckId == "NPG-N10").Evidence["exemptions"][0]);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001", null, true)]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000001", null, true)]
    [InlineData("00000000-0000-0000-0000-000000000002", null, false)]
    [InlineData(null, "TEST-*", true)]
    [InlineData(null, "prod-*", false)]
    public void Exemption_SubscriptionAndClusterScope(string? subscription, string? cluster, bool applies)
    {
        var exemption = new Exemption { SubscriptionId = subscription, Cluster = cluster, Owner = "o", Reason = "r", ExpiresOn = Now.AddDays(1) };

        var ns = AnalyzeNamespace(App(s_pods), options: Options(exemptions: [exemption]));

        Assert.Equal(applies, ns.Status == NamespaceStatus.Exempt);
    }

    [Fact]
    public void Exemption_NamespaceLabels_AllMustMatch()
    {
        var exemption = new Exemption
        {
            NamespaceLabels = new Dictionary<string, string> { ["env"] = "sandbox", ["kubernetes.io/metadata.name"] = "app" },
            Owner = "o",
            Reason = "r",
            ExpiresOn = Now.AddDays(1),
        };
        var snapshot = Snapshot([Ns("app", "env=sandbox"), Ns("other", "env=sandbox")]);

        var result = SnapshotAnalyzer.Analyze(snapshot, Options(exemptions: [exemption]));

        Assert.Equal(NamespaceStatus.Exempt, result.Namespaces.Single(n => n.Name == "app").Status);
        Assert.NotEqual(NamespaceStatus.Exempt, result.Namespaces.Single(n => n.Name == "other").Status);
    }

    [Fact]
    public void Exemption_ClusterWideForC01_ExemptsClusterFinding()
    {
        var exemption = new Exemption { Checks = ["NPG-C01"], Owner = "netops", Reason = "engine rollout", ExpiresOn = Now.AddDays(10) };
        var snapshot = Cilium(App(s_pods, Policy("app", "deny-all", Sel(), ["Ingress", "Egress"]))) with
        {
            NetworkProfile = Profile(policy: "none", dataplane: "azure"),
            EngineEvidence = Evidence(),
        };

        var result = SnapshotAnalyzer.Analyze(snapshot, Options(ComplianceProfile.Cis, exemptions: [exemption]));

        Assert.Equal(CheckResult.Exempt, FindingOf(result, "NPG-C01").Result);
    }

    [Fact]
    public void Exemption_WithoutExpiry_IsNoted()
    {
        var exemption = new Exemption { Id = "forever", Namespace = "app", Owner = "o", Reason = "r" };

        var result = SnapshotAnalyzer.Analyze(App(s_pods), Options(exemptions: [exemption]));

        Assert.Contains(result.Notes, n => n.Contains("'forever'", StringComparison.Ordinal) && n.Contains("no expiry", StringComparison.Ordinal));
    }

    [Fact]
    public void Exemption_UnknownCheckId_IsNotedAndExemptsNothing()
    {
        var exemption = new Exemption { Id = "typo", Namespace = "app", Checks = ["NPG-N1"], Owner = "o", Reason = "r", ExpiresOn = Now.AddDays(1) };

        var result = SnapshotAnalyzer.Analyze(App(s_pods), Options(exemptions: [exemption]));

        Assert.Contains(result.Notes, n => n.Contains("'NPG-N1'", StringComparison.Ordinal));
        Assert.Equal(NamespaceStatus.NonCompliant, result.Namespaces.Single().Status);
    }

    [Fact]
    public void Unknown_InvisibleNetworkPolicies_BeatsExemptionOrdering()
    {
        var snapshot = App(s_pods) with { InvisibleKinds = [new InvisibleKind("networking.k8s.io", "NetworkPolicy", "forbidden")] };

        Assert.Equal(NamespaceStatus.Unknown, AnalyzeNamespace(snapshot).Status);
    }

    [Fact]
    public void Unreadable_RunsProfileChecksAndNeverYieldsCompliantNamespace()
    {
        var cluster = new ClusterIdentity { Name = "private-aks", SubscriptionId = "s" };

        var result = SnapshotAnalyzer.Unreadable(
            cluster,
            ClusterScanStatus.Unknown,
            "API server not reachable (private cluster)",
            Options(),
            Profile(policy: "azure", dataplane: "azure", osTypes: ["Linux", "Windows"]));

        Assert.Equal(ClusterScanStatus.Unknown, result.Status);
        Assert.Equal("API server not reachable (private cluster)", result.StatusReason);
        Assert.Empty(result.Namespaces);
        Assert.Equal(0, result.CompliantNamespaceCount);
        Assert.Equal(CheckResult.Pass, FindingOf(result, "NPG-C01").Result);
        Assert.Equal((CheckResult.Fail, Severity.High), (FindingOf(result, "NPG-C03").Result, FindingOf(result, "NPG-C03").Severity));
        Assert.Equal(CheckResult.Unknown, FindingOf(result, "NPG-C02").Result);
        Assert.Equal(CheckResult.Unknown, FindingOf(result, "NPG-C05").Result);
    }

    [Fact]
    public void Unreadable_ByoCniWithoutEvidence_C01Unknown()
    {
        var result = SnapshotAnalyzer.Unreadable(
            new ClusterIdentity { Name = "byo" },
            ClusterScanStatus.Skipped,
            "cluster stopped",
            Options(),
            Profile(plugin: "none", policy: null, dataplane: null));

        Assert.Equal(ClusterScanStatus.Skipped, result.Status);
        Assert.Equal(CheckResult.Unknown, FindingOf(result, "NPG-C01").Result);
    }
}
