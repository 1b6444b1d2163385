using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NetPolGovernance.Service;
using NetPolGovernance.Functions.Triggers;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class ScanTelemetryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ClusterScans_OneReadableOneAlwaysFailing_RecordTracesAndMetrics()
    {
        var ct = TestContext.Current.CancellationToken;
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ScanTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var collector = new ScriptedSnapshotCollector(SampleFleet.Snapshot, new Dictionary<string, string> { ["aks-01"] = "forbidden (HTTP 403)" });
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(2)), collector, new RecordingAssessmentPublisher());
        var meters = harness.Service<IMeterFactory>();
        using var scanned = new MetricCollector<long>(meters, ScanTelemetry.Name, "netpolgov.clusters.scanned");
        using var unknown = new MetricCollector<long>(meters, ScanTelemetry.Name, "netpolgov.clusters.unknown");
        using var findings = new MetricCollector<long>(meters, ScanTelemetry.Name, "netpolgov.findings");
        using var apiCalls = new MetricCollector<long>(meters, ScanTelemetry.Name, "netpolgov.api.calls");
        using var duration = new MetricCollector<double>(meters, ScanTelemetry.Name, "netpolgov.cluster.scan.duration");

        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var scanId = (await harness.PeekScanMessagesAsync(ct))[0].ScanId;
        await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);
        await harness.DeliverAsync(harness.PoisonQueue, harness.Function<ScanClusterPoison>().RunAsync, ct);

        var clusterScans = activities.Where(a => a.OperationName == "netpolgov.cluster_scan" && (string?)a.GetTagItem("netpolgov.scan.id") == scanId).ToList();
        Assert.Equal(1 + ScanStorageNames.MaxDequeueCount + 1, clusterScans.Count);
        Assert.Single(clusterScans, a => (string?)a.GetTagItem("netpolgov.cluster.name") == "aks-00");
        Assert.Equal(ScanStorageNames.MaxDequeueCount + 1, clusterScans.Count(a => a.Status == ActivityStatusCode.Error));
        Assert.Equal(2, scanned.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, scanned.GetMeasurementSnapshot().Count(m => m.Tags["netpolgov.cluster.status"] is "Unknown"));
        Assert.Equal(ScanStorageNames.MaxDequeueCount, unknown.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.True(findings.GetMeasurementSnapshot().EvaluateAsCounter() > 0);
        Assert.Equal(3 * (1 + ScanStorageNames.MaxDequeueCount), apiCalls.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
    }
}
