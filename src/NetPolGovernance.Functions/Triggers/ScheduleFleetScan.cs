using Microsoft.Azure.Functions.Worker;
using NetPolGovernance.Service;

namespace NetPolGovernance.Functions.Triggers;

/// <summary>The scheduled fleet scan: fans the fleet out to the scan queue, one message per cluster.</summary>
public sealed class ScheduleFleetScan
{
    private readonly FleetScanCoordinator _coordinator;

    public ScheduleFleetScan(FleetScanCoordinator coordinator) => _coordinator = coordinator;

    /// <summary>Schedule from the <c>NETPOLGOV_SCAN_SCHEDULE</c> app setting; never run on start-up.</summary>
    [Function(nameof(ScheduleFleetScan))]
    public Task RunAsync([TimerTrigger("%" + FunctionSettings.ScanSchedule + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return _coordinator.StartAsync(new ScanRequest(ScanTrigger.Schedule, ScanScope.Fleet, timer.IsPastDue), cancellationToken);
    }
}
