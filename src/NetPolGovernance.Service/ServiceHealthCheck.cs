using Azure;
using Microsoft.Extensions.Options;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Service;

/// <summary>
/// Checks what a scan needs, each with a message an operator can act on: the settings, the inventory (Reader access),
/// the scan queue and the ledger container (storage roles), the exemptions source and the last scan.
/// </summary>
public sealed class ServiceHealthCheck
{
    private static readonly TimeSpan s_inventoryDeadline = TimeSpan.FromSeconds(30);

    private readonly IClusterInventory _inventory;
    private readonly ScanQueue _queue;
    private readonly ScanLedger _ledger;
    private readonly ScanPolicySource _policies;
    private readonly IOptions<ScanServiceOptions> _options;
    private readonly TimeProvider _time;

    public ServiceHealthCheck(
        IClusterInventory inventory,
        ScanQueue queue,
        ScanLedger ledger,
        ScanPolicySource policies,
        IOptions<ScanServiceOptions> options,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _inventory = inventory;
        _queue = queue;
        _ledger = ledger;
        _policies = policies;
        _options = options;
        _time = time;
    }

    public async Task<ServiceHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheckResult> { CheckSettings() };
        checks.Add(await CheckInventoryAsync(cancellationToken).ConfigureAwait(false));
        checks.Add(await CheckStorageAsync("queue", () => _queue.ProbeAsync(cancellationToken), "Storage Queue Data Contributor", FunctionSettings.StorageQueueServiceUri).ConfigureAwait(false));
        checks.Add(await CheckStorageAsync("ledger", () => _ledger.ProbeAsync(cancellationToken), "Storage Blob Data Owner", FunctionSettings.StorageBlobServiceUri).ConfigureAwait(false));
        checks.Add(await CheckPolicyAsync(cancellationToken).ConfigureAwait(false));
        checks.Add(await CheckLastScanAsync(cancellationToken).ConfigureAwait(false));
        return new ServiceHealthReport(_time.GetUtcNow(), checks);
    }

    private HealthCheckResult CheckSettings()
    {
        try
        {
            var options = _options.Value;
            return HealthCheckResult.Healthy(
                "settings",
                $"Logs ingestion to {options.LogsIngestionEndpoint} with rule {options.DcrImmutableId}; profile {options.Profile}; schedule '{options.ScanSchedule}'.");
        }
        catch (OptionsValidationException ex)
        {
            return HealthCheckResult.Unhealthy("settings", string.Join(" ", ex.Failures));
        }
    }

    private async Task<HealthCheckResult> CheckInventoryAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_inventoryDeadline);
        try
        {
            await foreach (var target in _inventory.ListAsync(deadline.Token).ConfigureAwait(false))
            {
                return HealthCheckResult.Healthy("inventory", $"The inventory is readable; first cluster: {target.Identity.Name}.");
            }

            return HealthCheckResult.Degraded(
                "inventory",
                $"The inventory returned no clusters. Check {FunctionSettings.SubscriptionIds} / {FunctionSettings.ManagementGroupIds} and that the app's identity has Reader on them.");
        }
        catch (Connectors.Azure.AzureSignInException ex)
        {
            return HealthCheckResult.Unhealthy("inventory", ex.Message);
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403)
        {
            return HealthCheckResult.Unhealthy(
                "inventory",
                $"The inventory call was refused (HTTP {ex.Status} {ex.ErrorCode}): the app's identity has no Reader access. Grant it Reader on the subscriptions or management groups to scan ({FunctionSettings.SubscriptionIds}, {FunctionSettings.ManagementGroupIds}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("inventory", $"The inventory did not answer within {s_inventoryDeadline.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("inventory", $"The inventory failed: {ex.Message}");
        }
    }

    private static async Task<HealthCheckResult> CheckStorageAsync(string name, Func<Task> probe, string role, string setting)
    {
        try
        {
            await probe().ConfigureAwait(false);
            return HealthCheckResult.Healthy(name, $"Reachable through {setting}.");
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403)
        {
            return HealthCheckResult.Unhealthy(name, $"Storage refused the app's identity (HTTP {ex.Status} {ex.ErrorCode}): grant it {role} on the account in {setting}.");
        }
        catch (RequestFailedException ex)
        {
            return HealthCheckResult.Unhealthy(name, $"Storage at {setting} failed: HTTP {ex.Status} {ex.ErrorCode}.");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy(name, $"Storage at {setting} cannot be reached: {ex.Message}");
        }
    }

    private async Task<HealthCheckResult> CheckPolicyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var policy = await _policies.GetAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("exemptions", $"Profile {policy.Profile}, {policy.Exemptions.Count} exemptions.");
        }
        catch (ScanPolicyUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy("exemptions", ex.Message);
        }
    }

    private async Task<HealthCheckResult> CheckLastScanAsync(CancellationToken cancellationToken)
    {
        try
        {
            var last = await _ledger.ReadLatestScanRecordAsync(cancellationToken).ConfigureAwait(false);
            return last switch
            {
                null => HealthCheckResult.Degraded("lastScan", "No scan has started yet."),
                { Status: ScanRecordStatus.Failed } => HealthCheckResult.Unhealthy("lastScan", $"Scan {last.ScanId} of {last.StartedAt:u} failed: {last.Error}"),
                _ => HealthCheckResult.Healthy("lastScan", $"Scan {last.ScanId} started {last.StartedAt:u} ({last.Trigger}), {last.ClustersEnqueued} clusters enqueued, status {last.Status}."),
            };
        }
        catch (RequestFailedException ex)
        {
            return HealthCheckResult.Degraded("lastScan", $"The last scan record could not be read: HTTP {ex.Status} {ex.ErrorCode}.");
        }
    }
}

/// <summary>The outcome of one health check.</summary>
public sealed record HealthCheckResult(string Name, HealthState State, string Message)
{
    public static HealthCheckResult Healthy(string name, string message) => new(name, HealthState.Healthy, message);

    public static HealthCheckResult Degraded(string name, string message) => new(name, HealthState.Degraded, message);

    public static HealthCheckResult Unhealthy(string name, string message) => new(name, HealthState.Unhealthy, message);
}

/// <summary>All checks; the worst state is the report's state.</summary>
public sealed record ServiceHealthReport(DateTimeOffset CheckedAt, IReadOnlyList<HealthCheckResult> Checks)
{
    public HealthState State => Checks.Count == 0 ? HealthState.Healthy : Checks.Max(c => c.State);
}

/// <summary>Ordered from good to bad.</summary>
public enum HealthState
{
    Healthy = 0,
    Degraded = 1,
    Unhealthy = 2,
}
