using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Diff;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Pipeline;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Diff;

/// <summary>
/// Drift between two scans of one cluster (the rules the workbook and the regressed alert apply in KQL), on a cluster
/// mutated between the scans with a plan: one namespace regresses, one recovers, one changes its policy set, one only
/// renames a policy, one is new. Exactly the planned events come out.
/// </summary>
public sealed class NamespaceDriftTests
{
    private static readonly string[] s_namespaces = ["shop", "legacy", "api", "web"];

    [Fact]
    public void Between_AMutatedCluster_GivesExactlyThePlannedEvents()
    {
        // Arrange
        var before = Cluster(
            [.. s_namespaces],
            DenyAll("shop", "deny-all"),
            DenyAll("api", "deny-all"),
            AllowWeb("api", 80),
            DenyAll("web", "deny-all"));
        var after = Cluster(
            [.. s_namespaces, "new"],
            DenyAll("legacy", "deny-all"),
            DenyAll("api", "deny-all"),
            AllowWeb("api", 8080),
            DenyAll("web", "default-deny"));

        // Act
        var first = SnapshotAnalyzer.Analyze(before, Options());
        var second = SnapshotAnalyzer.Analyze(after, Options());
        var events = NamespaceDrift.Between(first, second);

        // Assert
        Assert.Equal(NamespaceStatus.Compliant, first.Namespaces.Single(n => n.Name == "shop").Status);
        Assert.Equal(
            [("api", DriftKind.PolicySetChanged), ("legacy", DriftKind.Recovered), ("shop", DriftKind.Regressed)],
            events.Select(e => (e.Namespace, e.Kind)).ToArray());
        Assert.Equal("team-shop", events.Single(e => e.Namespace == "shop").Owner);
    }

    [Fact]
    public void Fingerprint_IgnoresNamesAndOrder_AndSeesWhatAPolicyAllows()
    {
        // Arrange
        var policy = AllowWeb("api", 80) with
        {
            Ingress = [Rule([PodPeer(Sel("app=a"))], Port(80)), Rule([PodPeer(Sel("app=b"))], Port(81))],
        };
        var renamedAndReordered = policy with { Name = "other-name", Ingress = [policy.Ingress![1], policy.Ingress[0]] };
        var typesWritten = policy with { PolicyTypes = ["Ingress"] };
        var widened = policy with { Ingress = [Rule([PodPeer(Sel("app=a"))], Port(80)), Rule([PodPeer(Sel("app=c"))], Port(81))] };

        // Act
        var hash = PolicySetFingerprint.Of([policy], []);

        // Assert
        Assert.Matches("^[0-9a-f]{16}$", hash);
        Assert.Equal(hash, PolicySetFingerprint.Of([renamedAndReordered], []));
        Assert.Equal(hash, PolicySetFingerprint.Of([typesWritten], []));
        Assert.NotEqual(hash, PolicySetFingerprint.Of([widened], []));
        Assert.NotEqual(hash, PolicySetFingerprint.Of([], []));
    }

    [Fact]
    public void NewWithoutPolicy_AsTheAlertReadsTheRows_FiresOnlyPastTheGraceForNamespacesNewSinceTheFirstScan()
    {
        // Arrange: scans at 10:30 and 16:30; "preview" and "later" are new in the second, "old" was there from the first.
        var first = new DateTimeOffset(2026, 6, 1, 10, 30, 0, TimeSpan.Zero);
        var second = first.AddHours(6);
        ClusterScanState[] scans =
        [
            new(first, [State("old"), State("web", anyPolicy: true)]),
            new(second, [State("old"), State("web", anyPolicy: true), State("preview"), State("covered", anyPolicy: true), State("kube-extra", system: true), State("waived", status: NamespaceStatus.Exempt)]),
        ];

        // Act: first seen 16:30; up to 16:59 the next day 24 hour boundaries are crossed, from 17:00 25 (KQL datetime_diff).
        var early = NamespaceDrift.NewWithoutPolicy(scans, second.AddHours(23).AddMinutes(59), graceHours: 24);
        var onTheBoundary = NamespaceDrift.NewWithoutPolicy(scans, new DateTimeOffset(2026, 6, 2, 16, 59, 0, TimeSpan.Zero), graceHours: 24);
        var late = NamespaceDrift.NewWithoutPolicy(scans, new DateTimeOffset(2026, 6, 2, 17, 0, 0, TimeSpan.Zero), graceHours: 24);
        var outOfWindow = NamespaceDrift.NewWithoutPolicy(scans, second.AddDays(3), graceHours: 24);

        // Assert
        Assert.Empty(early);
        Assert.Empty(onTheBoundary);
        Assert.Equal([new NewNamespaceWithoutPolicy("preview", "team-preview", 25)], late);
        Assert.Empty(outOfWindow);
        Assert.Equal(1, NamespaceDrift.HourBoundariesBetween(new DateTimeOffset(2026, 6, 1, 10, 59, 0, TimeSpan.Zero), new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Between_PublishedStates_SameRulesAsOnAssessments()
    {
        // Arrange
        NamespaceScanState[] before = [State("a", hash: "1111"), State("b", NamespaceStatus.NonCompliant), State("c", NamespaceStatus.Unknown, hash: ""), State("d", hash: "2222")];
        NamespaceScanState[] after = [State("a", NamespaceStatus.Unenforced, hash: "1111"), State("b"), State("c", hash: "3333"), State("d", hash: "2222"), State("e")];

        // Act
        var events = NamespaceDrift.Between(before, after);

        // Assert: Unknown → Compliant and an empty hash are no event; a rename-only namespace (d) neither.
        Assert.Equal([("a", DriftKind.Regressed), ("b", DriftKind.Recovered)], events.Select(e => (e.Namespace, e.Kind)).ToArray());
    }

    private static NamespaceScanState State(
        string name,
        NamespaceStatus status = NamespaceStatus.Compliant,
        string hash = "0123456789abcdef",
        bool system = false,
        bool anyPolicy = false) =>
        new(name, $"team-{name}", status, hash, system, anyPolicy);

    private static ClusterSnapshot Cluster(string[] namespaces, params NetworkPolicy[] policies) => Snapshot(
        [.. namespaces.Select(n => Ns(n, $"owner=team-{n}"))],
        [.. namespaces.Select(n => Pod(n, $"{n}-0", "app=web"))],
        policies);

    private static NetworkPolicy DenyAll(string ns, string name) => Policy(ns, name, Sel(), ["Ingress", "Egress"]);

    private static NetworkPolicy AllowWeb(string ns, int port) =>
        Policy(ns, "allow-web", Sel("app=web"), ingress: [Rule([PodPeer(Sel("app=web"))], Port(port))]);
}
