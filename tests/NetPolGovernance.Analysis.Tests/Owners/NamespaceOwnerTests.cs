using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Owners;

/// <summary>
/// A namespace's owner: annotations and labels, else its AKS managed namespace's tags, else the cluster's tags, else an
/// applying exemption; each with where it came from.
/// </summary>
public sealed class NamespaceOwnerTests
{
    private static readonly Dictionary<string, string> s_clusterTags = new() { ["Owner"] = "platform-team", ["env"] = "prod" };

    private static ClusterSnapshot Cluster(NamespaceInfo ns, IReadOnlyDictionary<string, string>? clusterTags = null)
    {
        var snapshot = Snapshot([ns], [Pod(ns.Name, "web-1", "app=web")]);
        return snapshot with { Cluster = snapshot.Cluster with { Tags = clusterTags ?? s_clusterTags } };
    }

    private static AksManagedNamespace Managed(string name, params string[] tags) => new() { Name = name, Tags = Labels(tags) };

    private static (string? Owner, string? Source) OwnerOf(ClusterSnapshot snapshot, string ns = "app", AnalysisOptions? options = null)
    {
        var assessed = AnalyzeNamespace(snapshot, ns, options);
        return (assessed.Owner, assessed.OwnerSource);
    }

    [Fact]
    public void Label_ComesFirst_BeforeManagedNamespaceAndClusterTags()
    {
        var ns = Ns("app", "team=payments") with { AksManaged = Managed("app", "owner=from-managed") };

        Assert.Equal(("payments", "label:team"), OwnerOf(Cluster(ns)));
    }

    [Fact]
    public void Annotation_BeatsLabel_ForTheSameKey_AndEarlierKeysBeatLaterOnes()
    {
        var ns = Ns("app", "team=label-team", "netpolgov.io/owner=label-owner") with
        {
            Annotations = Labels("netpolgov.io/owner=annotated-owner"),
        };

        Assert.Equal(("annotated-owner", "annotation:netpolgov.io/owner"), OwnerOf(Cluster(ns)));
    }

    [Fact]
    public void NoLabel_FallsBackToTheManagedNamespaceTags()
    {
        var ns = Ns("app") with { AksManaged = Managed("app", "Team=checkout") };

        // Azure tag names are case-insensitive: Team is the key team.
        Assert.Equal(("checkout", "managed-namespace-tag:team"), OwnerOf(Cluster(ns)));
    }

    [Fact]
    public void NoLabelNoManagedTag_FallsBackToTheClusterTags()
    {
        var ns = Ns("app") with { AksManaged = Managed("app", "costcenter=42") };

        Assert.Equal(("platform-team", "cluster-tag:owner"), OwnerOf(Cluster(ns)));
    }

    [Fact]
    public void NothingNamesAnOwner_TheExemptionOwnerIsUsed_ElseNone()
    {
        var ns = Ns("app");
        var exemption = new Exemption { Namespace = "app", Owner = "exempting-team", Reason = "migration", ExpiresOn = Now.AddDays(7) };
        var empty = new Dictionary<string, string>();

        Assert.Equal(("exempting-team", "exemption"), OwnerOf(Cluster(ns, empty), options: Options(exemptions: [exemption])));
        Assert.Equal((null, null), OwnerOf(Cluster(ns, empty)));
    }

    [Fact]
    public void BlankValues_AreSkipped()
    {
        var ns = Ns("app", "netpolgov.io/owner= ", "team=") with { AksManaged = Managed("app", "owner=  ") };

        Assert.Equal(("platform-team", "cluster-tag:owner"), OwnerOf(Cluster(ns)));
    }

    [Fact]
    public void ConfiguredKeys_ReplaceTheDefaults_InTheirOrder()
    {
        var ns = Ns("app", "team=not-this-one", "squad=orders") with { AksManaged = Managed("app", "owner=not-this-either") };
        var options = Options() with { OwnerKeys = ["squad", "cost-owner"] };
        var clusterTags = new Dictionary<string, string> { ["cost-owner"] = "finops" };

        Assert.Equal(("orders", "label:squad"), OwnerOf(Cluster(ns, clusterTags), options: options));
        Assert.Equal(("finops", "cluster-tag:cost-owner"), OwnerOf(Cluster(Ns("app", "team=x"), clusterTags), options: options));
    }

    [Fact]
    public void KubernetesKeys_AreCaseSensitive()
    {
        var ns = Ns("app", "Team=wrong-case");

        Assert.Equal(("platform-team", "cluster-tag:owner"), OwnerOf(Cluster(ns)));
    }

    [Fact]
    public void ClusterOwner_ComesFromTheClusterTags_EvenWhenTheClusterIsUnreadable()
    {
        var snapshot = Cluster(Ns("app"));

        Assert.Equal("platform-team", SnapshotAnalyzer.Analyze(snapshot, Options()).Owner);
        var unreadable = SnapshotAnalyzer.Unreadable(snapshot.Cluster, ClusterScanStatus.Unknown, "forbidden", Options());
        Assert.Equal("platform-team", unreadable.Owner);
        Assert.Null(SnapshotAnalyzer.Analyze(Snapshot([Ns("app")]), Options()).Owner);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public void OwnerKeys_BadKey_IsAnErrorNamingTheSetting(string key)
    {
        var error = Assert.Throws<FormatException>(() => OwnerKeys.Parse(["team", key], "NETPOLGOV_OWNER_KEYS"));

        Assert.StartsWith("NETPOLGOV_OWNER_KEYS: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnerKeys_TrimsAndDropsDuplicates_KeepingOrder()
    {
        Assert.Equal(["squad", "team"], OwnerKeys.Parse([" squad", "team ", "squad"], "--owner-key"));
        Assert.Null(OwnerKeys.Parse(null, "--owner-key"));
    }
}
