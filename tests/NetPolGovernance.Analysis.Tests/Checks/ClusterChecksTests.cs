using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Checks;

/// <summary>NPG-C01..C05 over network-profile combinations (table-driven).</summary>
public sealed class ClusterChecksTests
{
    // evidence: null = not collected; "unavailable"; otherwise comma-separated ready engines ("" = none found).
    private static ClusterAssessment Analyze(
        string? plugin,
        string? policy,
        string? dataplane,
        string? evidence,
        string osTypes = "Linux",
        DateTimeOffset? now = null,
        bool withProfile = true)
    {
        var snapshot = App([Pod("app", "web")]) with
        {
            NetworkProfile = withProfile
                ? new ClusterNetworkProfile
                {
                    NetworkPlugin = plugin,
                    NetworkPolicy = policy,
                    NetworkDataplane = dataplane,
                    NodePoolOsTypes = osTypes.Length == 0 ? [] : osTypes.Split(','),
                }
                : null,
            EngineEvidence = evidence switch
            {
                null => null,
                "unavailable" => new EngineEvidence { Unavailable = true, UnavailableReason = "forbidden" },
                _ => Evidence([.. evidence.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ready)]),
            },
        };
        return SnapshotAnalyzer.Analyze(snapshot, Options() with { Now = now ?? Now });
    }

    [Theory]
    [InlineData("azure", "azure", "azure", null, CheckResult.Pass)]
    [InlineData("azure", "calico", "azure", null, CheckResult.Pass)]
    [InlineData("azure", "cilium", "cilium", null, CheckResult.Pass)]
    [InlineData("azure", "none", "azure", null, CheckResult.Fail)]
    [InlineData("azure", null, "azure", null, CheckResult.Fail)]
    [InlineData("kubenet", "", null, null, CheckResult.Fail)]
    [InlineData("azure", "NONE", null, "cilium", CheckResult.Fail)]
    [InlineData("none", null, null, "cilium", CheckResult.Pass)]
    [InlineData("none", "none", null, "calico", CheckResult.Pass)]
    [InlineData("none", null, null, "", CheckResult.Fail)]
    [InlineData("none", null, null, null, CheckResult.Unknown)]
    [InlineData("none", null, null, "unavailable", CheckResult.Unknown)]
    [InlineData("azure", "weave", null, null, CheckResult.Unknown)]
    public void C01_ProfileCombinations(string? plugin, string? policy, string? dataplane, string? evidence, CheckResult expected)
    {
        var finding = FindingOf(Analyze(plugin, policy, dataplane, evidence), "NPG-C01");

        Assert.Equal(expected, finding.Result);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.True(finding.InProfile);
    }

    [Theory]
    [InlineData(null, CheckResult.NotApplicable)]
    [InlineData("cilium", CheckResult.Pass)]
    [InlineData("antrea", CheckResult.Pass)]
    [InlineData("", CheckResult.Fail)]
    [InlineData("unavailable", CheckResult.Unknown)]
    public void C01_NoProfile_TheDaemonSetListDecides(string? evidence, CheckResult expected)
    {
        Assert.Equal(expected, FindingOf(Analyze(null, null, null, evidence, withProfile: false), "NPG-C01").Result);
    }

    [Theory]
    [InlineData("azure", "cilium", "cilium", "cilium", CheckResult.Pass)]
    [InlineData("azure", "cilium", "cilium", "", CheckResult.Fail)]
    [InlineData("azure", "calico", null, "cilium", CheckResult.Fail)]
    [InlineData("azure", "azure", null, "azure-npm", CheckResult.Pass)]
    [InlineData("azure", "azure", null, null, CheckResult.NotApplicable)]
    [InlineData("azure", "azure", null, "unavailable", CheckResult.Unknown)]
    [InlineData("none", null, null, "", CheckResult.Fail)]
    [InlineData("none", null, null, "calico", CheckResult.Pass)]
    [InlineData("azure", "none", null, "", CheckResult.NotApplicable)]
    public void C02_DeclaredEngineRunning(string? plugin, string? policy, string? dataplane, string? evidence, CheckResult expected)
    {
        Assert.Equal(expected, FindingOf(Analyze(plugin, policy, dataplane, evidence), "NPG-C02").Result);
    }

    [Fact]
    public void C02_DaemonSetNotReadyOnEveryNode_Fails()
    {
        var snapshot = App([]) with
        {
            NetworkProfile = Profile(),
            EngineEvidence = Evidence(new EngineDaemonSet("cilium", "kube-system", "cilium", 5, 4)),
        };

        var finding = FindingOf(SnapshotAnalyzer.Analyze(snapshot, Options()), "NPG-C02");

        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Contains("4/5", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure", "azure", "Linux,Windows", "2026-11-26", CheckResult.Fail, Severity.High)]
    [InlineData("azure", "azure", "Linux", "2026-11-26", CheckResult.Fail, Severity.Medium)]
    [InlineData("azure", "azure", "Linux", "2028-06-01", CheckResult.Fail, Severity.High)]
    [InlineData("azure", "azure", "Linux", "2029-01-01", CheckResult.Fail, Severity.High)]
    [InlineData("azure", "azure", "Linux,Windows", "2025-01-01", CheckResult.Fail, Severity.Medium)]
    [InlineData("azure", "azure", "Linux,Windows", "2026-06-01", CheckResult.Fail, Severity.High)]
    [InlineData("kubenet", "calico", "Linux", "2026-11-26", CheckResult.Fail, Severity.Medium)]
    [InlineData("kubenet", "calico", "Linux", "2027-12-01", CheckResult.Fail, Severity.High)]
    [InlineData("azure", "cilium", "Linux", "2026-11-26", CheckResult.Pass, Severity.Medium)]
    [InlineData("azure", "calico", "Linux,Windows", "2026-11-26", CheckResult.Pass, Severity.Medium)]
    public void C03_RetirementDates_SeverityRisesAsDateNears(string plugin, string policy, string osTypes, string today, CheckResult expected, Severity severity)
    {
        var now = DateTimeOffset.Parse(today + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var finding = FindingOf(Analyze(plugin, policy, policy == "cilium" ? "cilium" : null, null, osTypes, now), "NPG-C03");

        Assert.Equal(expected, finding.Result);
        Assert.Equal(severity, finding.Severity);
    }

    [Fact]
    public void C03_WindowsNpmPastEndOfSupport_SaysPassed()
    {
        var finding = FindingOf(Analyze("azure", "azure", null, null, "Linux,Windows"), "NPG-C03");

        Assert.Contains("2026-09-30 (passed 57 days ago)", finding.Message, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence["retirements"], r => r.StartsWith("Azure NPM on Windows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cilium", "cilium", "Linux", CheckResult.Pass)]
    [InlineData("cilium", "cilium", "Linux,Windows", CheckResult.Fail)]
    [InlineData(null, "cilium", "Windows", CheckResult.Fail)]
    [InlineData("cilium", "azure", "Linux", CheckResult.Fail)]
    [InlineData("cilium", null, "Linux", CheckResult.Fail)]
    [InlineData("cilium", "cilium", "", CheckResult.NotApplicable)]
    [InlineData("calico", null, "Linux,Windows", CheckResult.Pass)]
    [InlineData("azure", null, "Windows", CheckResult.Pass)]
    public void C04_CiliumAndWindows(string? policy, string? dataplane, string osTypes, CheckResult expected)
    {
        Assert.Equal(expected, FindingOf(Analyze("azure", policy, dataplane, null, osTypes), "NPG-C04").Result);
    }

    [Theory]
    [InlineData("cilium", "cilium", CheckResult.Pass)]
    [InlineData("azure", "azure-npm", CheckResult.Fail)]
    [InlineData("calico", "calico", CheckResult.Fail)]
    [InlineData("none", "", CheckResult.Fail)]
    public void C05_CiliumPolicyOnEngines(string policy, string evidence, CheckResult expected)
    {
        var snapshot = App([Pod("app", "web")]) with
        {
            NetworkProfile = Profile(policy: policy, dataplane: policy == "cilium" ? "cilium" : "azure"),
            EngineEvidence = Evidence([.. evidence.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ready)]),
            CiliumPolicies = [new CiliumPolicy { Kind = "CiliumNetworkPolicy", Namespace = "app", Name = "l7", Source = new SourceLocation("cnp.yaml", 3) }],
        };

        var finding = FindingOf(SnapshotAnalyzer.Analyze(snapshot, Options()), "NPG-C05");

        Assert.Equal(expected, finding.Result);
        if (expected == CheckResult.Fail)
        {
            Assert.Equal(["CiliumNetworkPolicy/app/l7"], finding.Evidence["notEnforced"]);
            Assert.Equal(new SourceLocation("cnp.yaml", 3), finding.Location);
        }
    }

    [Fact]
    public void C05_ManifestsWithoutProfile_NotApplicable()
    {
        var snapshot = App([]) with { CalicoPolicies = [new CalicoPolicy { ApiGroup = "projectcalico.org", Kind = "NetworkPolicy", Namespace = "app", Name = "x" }] };

        Assert.Equal(CheckResult.NotApplicable, FindingOf(SnapshotAnalyzer.Analyze(snapshot, Options()), "NPG-C05").Result);
    }

    [Fact]
    public void C05_AdminNetworkPolicyOnCalico_EnforcementUnknownIsNotAFailure()
    {
        var snapshot = App([]) with
        {
            NetworkProfile = Profile(policy: "calico", dataplane: "azure"),
            AdminPolicies = [new AdminPolicy { Kind = "AdminNetworkPolicy", ApiVersion = "policy.networking.k8s.io/v1alpha1", Name = "a", Priority = 10, SubjectNamespaces = Sel() }],
        };

        var finding = FindingOf(SnapshotAnalyzer.Analyze(snapshot, Options()), "NPG-C05");

        Assert.Equal(CheckResult.Pass, finding.Result);
        Assert.Equal(["AdminNetworkPolicy/a"], finding.Evidence["enforcementUnknown"]);
    }

    [Fact]
    public void ClusterChecks_ManifestsSnapshot_AreNotApplicableNeverPass()
    {
        var result = SnapshotAnalyzer.Analyze(App([Pod("app", "web")]), Options());

        Assert.All(
            result.ClusterFindings.Where(f => f.CheckId is not ("NPG-C05" or "NPG-C06")),
            f => Assert.Equal(CheckResult.NotApplicable, f.Result));
        Assert.Equal(["NPG-C01", "NPG-C02", "NPG-C03", "NPG-C04", "NPG-C05", "NPG-C06"], result.ClusterFindings.Select(f => f.CheckId));
    }

    [Fact]
    public void CiliumEnforcementNever_PoliciesUnenforced()
    {
        var snapshot = App([Pod("app", "web")], Policy("app", "deny", Sel(), ["Ingress"])) with
        {
            NetworkProfile = Profile(),
            EngineEvidence = Evidence(Ready("cilium")) with { CiliumPolicyEnforcementMode = "never" },
        };

        Assert.Equal(NamespaceStatus.Unenforced, AnalyzeNamespace(snapshot).Status);
    }
}
