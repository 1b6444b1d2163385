using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Diff;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Publishing;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary>
/// The simulated fleet scanned three times through <c>netpolgov scan --simulated-fleet N --publish</c> (the Azure path
/// on loopback ARM, Resource Graph and Kubernetes API servers, rows to the loopback Logs Ingestion server): twice as
/// generated, then with <c>--sim-drift</c>. The drift the published <c>NetPolNamespaces_CL</c> rows give (the rules of
/// the workbook's drift tile and of the regressed and new-namespace alerts, <see cref="NamespaceDrift"/>) is exactly the
/// fleet's planned drift: nothing between the first two scans, the planned events between the last two, no event for
/// the renamed policy.
/// </summary>
public sealed class SimulatedFleetDriftTests
{
    private const int Clusters = 6;
    private const int Seed = 3;
    private const int Namespaces = 12;
    private const int Pods = 4;
    private const int GraceHours = 24;

    private static readonly DateTimeOffset s_first = CliHarness.Now;
    private static readonly DateTimeOffset s_second = s_first.AddHours(6);
    private static readonly DateTimeOffset s_third = s_first.AddHours(12);

    [Fact]
    public async Task ScanTwiceThenDrifted_PublishedRows_GiveExactlyThePlannedDriftEvents()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        await using var ingestion = await LoopbackLogsIngestionServer.StartAsync(ct);
        var fleet = new SimulatedFleet(new FleetSimulationOptions
        {
            Seed = Seed,
            Clusters = Clusters,
            NamespacesPerCluster = Namespaces,
            PodsPerNamespace = Pods,
            FaultRate = 0,
        });
        var planned = fleet.Drift.Changes;

        // Act
        await ScanAsync(ingestion, s_first, drifted: false);
        await ScanAsync(ingestion, s_second, drifted: false);
        await ScanAsync(ingestion, s_third, drifted: true);
        var scans = ScansByCluster(ingestion.RowsFor(LogAnalyticsSchema.Namespaces));

        // Assert: every kind of change is planned (in clusters that were scanned three times), and the scans find
        // exactly its events.
        Assert.Equal(Enum.GetValues<DriftChangeKind>(), planned.Select(c => c.Kind));
        Assert.All(planned, c => Assert.Equal(3, scans[c.Cluster].Count));
        var steady = scans.SelectMany(s => NamespaceDrift.Between(s.Value[0].Namespaces, s.Value[1].Namespaces).Select(e => $"{s.Key}/{e.Namespace}: {e.Kind}"));
        Assert.Empty(steady);
        Assert.Equal(
            planned.Where(c => c.Event != PlannedDriftEvent.None).Select(c => $"{c.Cluster}/{c.Namespace}: {c.Event}").Order(StringComparer.Ordinal),
            ObservedEvents(scans, s_third.AddHours(GraceHours + 1)).Order(StringComparer.Ordinal));

        // Before the grace period is over, the new namespace does not alert yet.
        Assert.DoesNotContain(ObservedEvents(scans, s_third.AddHours(GraceHours - 1)), e => e.EndsWith(nameof(PlannedDriftEvent.NewNamespaceWithoutPolicy), StringComparison.Ordinal));

        // The rename reached the scan: other policy names, the same policy-set hash.
        var renamed = planned.Single(c => c.Kind == DriftChangeKind.PolicyRenamed);
        var (before, after) = (Row(ingestion, renamed, s_second), Row(ingestion, renamed, s_third));
        Assert.Contains("default-deny-all", PolicyNames(before));
        Assert.Contains("default-deny", PolicyNames(after));
        Assert.DoesNotContain("default-deny-all", PolicyNames(after));
        Assert.Equal(before.GetProperty("PolicySetHash").GetString(), after.GetProperty("PolicySetHash").GetString());
        Assert.Equal("Compliant", after.GetProperty("Status").GetString());
    }

    /// <summary>Drift events (Regressed, Recovered, PolicySetChanged) between the last two scans of each cluster, and the new-namespace alerts at <paramref name="now"/>.</summary>
    private static IEnumerable<string> ObservedEvents(Dictionary<string, List<ClusterScanState>> scans, DateTimeOffset now)
    {
        foreach (var (cluster, history) in scans)
        {
            foreach (var drift in NamespaceDrift.Between(history[^2].Namespaces, history[^1].Namespaces))
            {
                yield return $"{cluster}/{drift.Namespace}: {drift.Kind}";
            }

            foreach (var alert in NamespaceDrift.NewWithoutPolicy(history, now, GraceHours))
            {
                yield return $"{cluster}/{alert.Namespace}: {PlannedDriftEvent.NewNamespaceWithoutPolicy}";
            }
        }
    }

    private static async Task ScanAsync(LoopbackLogsIngestionServer ingestion, DateTimeOffset at, bool drifted)
    {
        using var dir = new TempDirectory();
        using var cli = new CliHarness
        {
            Overrides = services =>
            {
                services.AddSingleton<TimeProvider>(new FakeTimeProvider(at));
                services.AddSingleton<ILogsIngestionClientFactory>(new LoopbackClients(ingestion));
            },
        };
        string[] args =
        [
            "scan", "--simulated-fleet", Clusters.ToString(CultureInfo.InvariantCulture),
            "--sim-seed", Seed.ToString(CultureInfo.InvariantCulture),
            "--sim-namespaces", Namespaces.ToString(CultureInfo.InvariantCulture),
            "--sim-pods", Pods.ToString(CultureInfo.InvariantCulture),
            "--sim-fault-rate", "0", "--sim-latency-ms", "0", "--format", "json",
            "--publish", "--dcr-endpoint", ingestion.Endpoint.ToString(), "--dcr-immutable-id", ingestion.ImmutableId,
            "--dead-letter", Path.Combine(dir.Path, "dead-letter"),
            .. drifted ? ["--sim-drift"] : Array.Empty<string>(),
        ];

        var exitCode = await cli.RunAsync(args);

        Assert.True(exitCode is ExitCodes.NonCompliant or ExitCodes.Incomplete, $"exit {exitCode}: {cli.StandardError}");
        Assert.Equal(drifted, cli.StandardError.Contains("after its planned drift", StringComparison.Ordinal));
    }

    /// <summary>The published namespace rows as the drift rules read them: per cluster, its scans in time order.</summary>
    private static Dictionary<string, List<ClusterScanState>> ScansByCluster(IReadOnlyList<JsonElement> rows) =>
        rows.GroupBy(r => r.GetProperty("ClusterName").GetString()!, StringComparer.Ordinal)
            .ToDictionary(
                cluster => cluster.Key,
                cluster => cluster
                    .GroupBy(r => r.GetProperty("TimeGenerated").GetDateTimeOffset())
                    .OrderBy(scan => scan.Key)
                    .Select(scan => new ClusterScanState(scan.Key, [.. scan.Select(State)]))
                    .ToList(),
                StringComparer.Ordinal);

    private static NamespaceScanState State(JsonElement row) => new(
        row.GetProperty("Namespace").GetString()!,
        row.TryGetProperty("Owner", out var owner) ? owner.GetString() : null,
        Enum.Parse<NamespaceStatus>(row.GetProperty("Status").GetString()!),
        row.TryGetProperty("PolicySetHash", out var hash) ? hash.GetString() ?? "" : "",
        row.GetProperty("IsSystem").GetBoolean(),
        row.GetProperty("HasAnyPolicy").GetBoolean());

    private static JsonElement Row(LoopbackLogsIngestionServer ingestion, PlannedDriftChange change, DateTimeOffset at) =>
        ingestion.RowsFor(LogAnalyticsSchema.Namespaces).Single(r =>
            r.GetProperty("ClusterName").GetString() == change.Cluster
            && r.GetProperty("Namespace").GetString() == change.Namespace
            && r.GetProperty("TimeGenerated").GetDateTimeOffset() == at);

    private static string[] PolicyNames(JsonElement row) =>
        [.. row.GetProperty("PolicyNames").EnumerateArray().Select(n => n.GetString()!)];

    private sealed class LoopbackClients(LoopbackLogsIngestionServer server) : ILogsIngestionClientFactory
    {
        public LogsIngestionClient Create(Uri endpoint, string immutableId, LogsIngestionAudience audience) =>
            new(endpoint, immutableId, server.Credential, server.CreateClientOptions());
    }
}
