using System.Diagnostics;
using System.Diagnostics.Metrics;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Service;

/// <summary>
/// Traces and metrics of the scan service, under the name <see cref="Name"/> (register it with OpenTelemetry's
/// <c>AddSource</c> and <c>AddMeter</c>). One activity per fleet scan start and one per cluster scan.
/// </summary>
public sealed class ScanTelemetry : IDisposable
{
    public const string Name = "NetPolGovernance.Scan";

    private static readonly ActivitySource s_activities = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _clustersEnqueued;
    private readonly Counter<long> _clustersScanned;
    private readonly Counter<long> _clustersUnknown;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _apiCalls;
    private readonly Histogram<double> _duration;

    public ScanTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(Name);
        _clustersEnqueued = _meter.CreateCounter<long>("netpolgov.clusters.enqueued", "{cluster}", "Clusters put on the scan queue.");
        _clustersScanned = _meter.CreateCounter<long>("netpolgov.clusters.scanned", "{cluster}", "Clusters whose rows were published, by status.");
        _clustersUnknown = _meter.CreateCounter<long>("netpolgov.clusters.unknown", "{cluster}", "Cluster scan attempts that could not read the cluster.");
        _findings = _meter.CreateCounter<long>("netpolgov.findings", "{finding}", "Failing findings published, by check and severity.");
        _apiCalls = _meter.CreateCounter<long>("netpolgov.api.calls", "{call}", "Kubernetes and ARM calls made to read clusters.");
        _duration = _meter.CreateHistogram<double>("netpolgov.cluster.scan.duration", "ms", "Time to read, analyze and publish one cluster.");
    }

    public static Activity? StartFleetScan(ScanTrigger trigger, ScanScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var activity = s_activities.StartActivity("netpolgov.fleet_scan.start");
        activity?.SetTag("netpolgov.scan.trigger", trigger.ToString());
        activity?.SetTag("netpolgov.scan.scope", scope.ToString());
        return activity;
    }

    public static Activity? StartClusterScan(ClusterScanMessage message, long dequeueCount)
    {
        ArgumentNullException.ThrowIfNull(message);
        var activity = s_activities.StartActivity("netpolgov.cluster_scan");
        activity?.SetTag("netpolgov.scan.id", message.ScanId);
        activity?.SetTag("netpolgov.cluster.name", message.Target.Identity.Name);
        activity?.SetTag("netpolgov.cluster.resource_id", message.Target.Identity.ResourceId);
        activity?.SetTag("netpolgov.delivery.count", dequeueCount);
        return activity;
    }

    public void ClustersEnqueued(int count, ScanTrigger trigger) =>
        _clustersEnqueued.Add(count, new KeyValuePair<string, object?>("netpolgov.scan.trigger", trigger.ToString()));

    public void ClusterUnreadable(ClusterAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        _clustersUnknown.Add(1);
        _apiCalls.Add(assessment.Stats.ApiCalls);
    }

    public void ClusterPublished(ClusterAssessment assessment, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        _clustersScanned.Add(1, new KeyValuePair<string, object?>("netpolgov.cluster.status", assessment.Status.ToString()));
        _apiCalls.Add(assessment.Stats.ApiCalls);
        _duration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("netpolgov.cluster.status", assessment.Status.ToString()));
        foreach (var finding in assessment.ClusterFindings.Concat(assessment.Namespaces.SelectMany(n => n.Findings)))
        {
            if (finding.Result is CheckResult.Fail)
            {
                _findings.Add(
                    1,
                    new KeyValuePair<string, object?>("netpolgov.check.id", finding.CheckId),
                    new KeyValuePair<string, object?>("netpolgov.check.severity", finding.Severity.ToString()));
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
