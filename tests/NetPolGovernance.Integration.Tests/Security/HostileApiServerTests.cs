using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>
/// A loopback API server that attacks its reader (<see cref="HostileBehaviour"/>): each behaviour makes the cluster
/// Unknown with a reason and a <see cref="FailureKind"/>, after reading no more than the collector's bounds allow.
/// </summary>
public sealed class HostileApiServerTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;

    /// <summary>Small bounds, so every case ends in well under a second of loopback traffic.</summary>
    private static readonly KubernetesCollectorOptions s_bounded = new()
    {
        PageSize = 100,
        MaxPagesPerList = 5,
        MaxPageItemsFactor = 10,
        MaxResponseBytes = 2 * MiB,
        MaxClusterBytes = 16 * MiB,
        MaxDocumentBytes = 256 * 1024,
        RequestTimeout = TimeSpan.FromSeconds(1),
        MaxRetries = 0,
    };

    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Collect_EndlessContinueTokens_StopsAtThePageBound()
    {
        var cluster = Hostile("endless", HostileBehaviour.EndlessContinue);

        var outcome = await CollectAsync(cluster, s_bounded);

        AssertUnknown(outcome, FailureKind.Limit, "more than 5 pages");
        Assert.InRange(cluster.Traffic.CallsTo("namespaces"), 1, 5);
    }

    [Fact]
    public async Task Collect_EndlessContinueTokensWithDefaultBounds_StopsAtTwoHundredThousandItems()
    {
        var cluster = Hostile("endless-default", HostileBehaviour.EndlessContinue);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions());

        AssertUnknown(outcome, FailureKind.Limit, "more than 200000 items");
        Assert.InRange(outcome.Stats.BytesRead, 1, new KubernetesCollectorOptions().MaxClusterBytes);
    }

    [Fact]
    public async Task Collect_EndlessContinueTokens_StopsAtTheListItemBound()
    {
        var cluster = Hostile("endless-items", HostileBehaviour.EndlessContinue);

        var outcome = await CollectAsync(cluster, s_bounded with { MaxPagesPerList = 1000, MaxItemsPerList = 250 });

        AssertUnknown(outcome, FailureKind.Limit, "more than 250 items");
        Assert.InRange(cluster.Traffic.CallsTo("namespaces"), 1, 3);
    }

    [Fact]
    public async Task Collect_PageFarLargerThanTheLimit_StopsAtTheItemBound()
    {
        var cluster = Hostile("oversized", HostileBehaviour.OversizedPage);

        var outcome = await CollectAsync(cluster, s_bounded with { MaxResponseBytes = 256 * MiB, MaxClusterBytes = 1024 * MiB });

        AssertUnknown(outcome, FailureKind.Limit, "more than 1000 items");

        // The page was a million items; reading stopped just past the thousandth of each list in flight.
        Assert.InRange(outcome.Stats.BytesRead, 1, 4 * MiB);
    }

    [Fact]
    public async Task Collect_HugeResponseBody_StopsAtTheResponseBound()
    {
        var cluster = Hostile("huge-body", HostileBehaviour.HugeBody);

        var outcome = await CollectAsync(cluster, s_bounded);

        AssertUnknown(outcome, FailureKind.Limit, "larger than 2 MiB");
        Assert.Contains(nameof(KubernetesCollectorOptions.MaxResponseBytes), outcome.Reason!, StringComparison.Ordinal);

        // Three lists were in flight at most, each cut at 2 MiB (plus one read buffer).
        Assert.InRange(outcome.Stats.BytesRead, 2 * MiB, 8 * MiB);
    }

    [Fact]
    public async Task Collect_ManyResponsesTogetherPastTheClusterBound_StopsAtTheClusterBound()
    {
        var cluster = Hostile("cluster-bytes", HostileBehaviour.HugeBody);

        var outcome = await CollectAsync(cluster, s_bounded with { MaxResponseBytes = 64 * MiB, MaxClusterBytes = 3 * MiB });

        AssertUnknown(outcome, FailureKind.Limit, "more than 3 MiB in all");
        Assert.InRange(outcome.Stats.BytesRead, 3 * MiB, 4 * MiB);
    }

    [Fact]
    public async Task Collect_HugeDiscoveryDocument_StopsAtTheDocumentBound()
    {
        var cluster = Hostile("huge-discovery", HostileBehaviour.HugeDiscovery);

        var outcome = await CollectAsync(cluster, s_bounded);

        AssertUnknown(outcome, FailureKind.Limit, "larger than 256 KiB");
        Assert.Contains("GET /apis", outcome.Reason!, StringComparison.Ordinal);
        Assert.InRange(outcome.Stats.BytesRead, 256 * 1024, MiB);
    }

    [Fact]
    public async Task Collect_BodyDrippedByteByByte_TimesOutPerRequest()
    {
        var cluster = Hostile("slow-drip", HostileBehaviour.SlowDrip);
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await CollectAsync(cluster, s_bounded);

        AssertUnknown(outcome, FailureKind.Timeout, "did not complete its response within 1 s");
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(HostileBehaviour.InvalidUtf8)]
    [InlineData(HostileBehaviour.InvalidJson)]
    public async Task Collect_UnreadableListBody_IsUnknownAsFormat(HostileBehaviour behaviour)
    {
        var cluster = Hostile("unreadable-" + behaviour.ToString().ToLowerInvariant(), behaviour);

        var outcome = await CollectAsync(cluster, s_bounded);

        AssertUnknown(outcome, FailureKind.Format, "unreadable");
    }

    [Fact]
    public async Task Collect_ErrorBodyEchoingTheToken_KeepsTheTokenOutOfTheReason()
    {
        var cluster = Hostile("echo", HostileBehaviour.TokenEcho);

        var outcome = await CollectAsync(cluster, s_bounded);

        AssertUnknown(outcome, FailureKind.Other, "HTTP 400");
        Assert.DoesNotContain(cluster.Token, outcome.Reason!, StringComparison.Ordinal);
        Assert.Contains(CredentialRedaction.Marker, outcome.Reason!, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BoundOutOfRange_IsRefusedNamingTheOption()
    {
        var error = Assert.Throws<Connectors.OptionOutOfRangeException>(
            () => new KubernetesSnapshotCollector(new KubernetesCollectorOptions { MaxPagesPerList = 0 }, NullLogger<KubernetesSnapshotCollector>.Instance));

        Assert.Contains(nameof(KubernetesCollectorOptions.MaxPagesPerList), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FleetScan_HostileClustersAmongWellBehavedOnes_EveryOtherResultIntact()
    {
        // Arrange: clusters 1 to 8 attack their reader, each in its own way; 0 and 9 to 13 are ordinary.
        var ct = TestContext.Current.CancellationToken;
        var behaviours = Enum.GetValues<HostileBehaviour>();
        var options = new FleetSimulationOptions
        {
            Seed = 14,
            Clusters = 14,
            NamespacesPerCluster = 8,
            PodsPerNamespace = 30,
            PrivateRate = 0,
            StoppedRate = 0,
            Overrides = behaviours.Select((behaviour, i) => (i + 1, new ClusterOverride { Hostile = behaviour })).ToDictionary(p => p.Item1, p => p.Item2),
        };
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        using var dir = new TempDirectory();
        var kubeconfig = await KubeconfigFile.LoadAsync([dir.Write("config", simulator.Kubeconfig())], ct);
        var names = simulator.Fleet.Clusters.Select(c => c.Name).ToList();
        var collector = new KubernetesSnapshotCollector(s_bounded with { PageSize = 500, MaxRetries = 1, RequestTimeout = TimeSpan.FromSeconds(5) }, NullLogger<KubernetesSnapshotCollector>.Instance);
        var source = new KubeconfigClusterSource(kubeconfig, names, collector);
        var scanner = new FleetScanner(source, NullLogger<FleetScanner>.Instance);

        // Act
        var assessments = new Dictionary<string, ClusterAssessment>();
        await foreach (var assessment in scanner.ScanAsync(source.ListAsync(ct), new AnalysisOptions { Now = CliHarness.Now }, new FleetScanOptions { MaxConcurrency = 16 }, null, ct))
        {
            assessments[assessment.Cluster.Name] = assessment;
        }

        // Assert
        Assert.Equal(names.Order(StringComparer.Ordinal), assessments.Keys.Order(StringComparer.Ordinal));
        foreach (var plan in simulator.Fleet.Clusters)
        {
            var assessment = assessments[plan.Name];
            if (plan.Hostile is not null)
            {
                Assert.True(assessment.Status == ClusterScanStatus.Unknown, $"{plan.Name} ({plan.Hostile}): {assessment.Status}");
                Assert.False(string.IsNullOrWhiteSpace(assessment.StatusReason));
                continue;
            }

            Assert.True(assessment.Status == ClusterScanStatus.Scanned, $"{plan.Name}: {assessment.StatusReason}");
            Assert.Equal(plan.PodCount, assessment.PodCount);
            Assert.Equal(
                plan.NamespacesWithoutNetworkPolicy,
                assessment.Namespaces.Where(n => !n.HasPolicy).Select(n => n.Name).Order(StringComparer.Ordinal));
        }
    }

    private static void AssertUnknown(CollectionOutcome outcome, FailureKind kind, string reasonPart)
    {
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.True(outcome.FailureKind == kind, $"{outcome.FailureKind}: {outcome.Reason}");
        Assert.Contains(reasonPart, outcome.Reason!, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", outcome.Reason!, StringComparison.Ordinal);
    }

    private VirtualCluster Hostile(string id, HostileBehaviour behaviour)
    {
        var cluster = _server.AddCluster(id).Add(KubeObjects.Namespace("shop"), KubeObjects.Pod("shop", "web-1"));
        cluster.Faults.Add(KubeFault.Hostile(behaviour), HostileResponses.MatchFor(behaviour));
        return cluster;
    }

    private static Task<CollectionOutcome> CollectAsync(VirtualCluster cluster, KubernetesCollectorOptions options) =>
        new KubernetesSnapshotCollector(options, NullLogger<KubernetesSnapshotCollector>.Instance)
            .CollectAsync(cluster.CreateClientConfiguration(), new ClusterIdentity { Name = cluster.Id }, TestContext.Current.CancellationToken);
}
