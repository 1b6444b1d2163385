using System.Net;
using System.Web;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NetPolGovernance.Service;

namespace NetPolGovernance.Functions.Triggers;

/// <summary>
/// <c>POST /api/scan?subscriptionId=...</c>, <c>?clusterResourceId=...</c> or <c>?clusterName=...</c> (function key):
/// enqueues an on-demand scan of that scope and answers 202 with the scan id; the queue does the work, as for the
/// scheduled scan. 409 when a scan of the same scope is still enqueueing; 400 for a bad scope.
/// </summary>
public sealed class ScanNow
{
    private readonly FleetScanCoordinator _coordinator;

    public ScanNow(FleetScanCoordinator coordinator) => _coordinator = coordinator;

    [Function(nameof(ScanNow))]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "scan")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = HttpUtility.ParseQueryString(request.Url.Query);
        ScanScope scope;
        try
        {
            scope = ScanScope.OnDemand(query["subscriptionId"], query["clusterResourceId"], query["clusterName"]);
        }
        catch (FormatException ex)
        {
            return await HttpJson.WriteAsync(request, HttpStatusCode.BadRequest, new { error = ex.Message }, cancellationToken).ConfigureAwait(false);
        }

        var result = await _coordinator.StartAsync(new ScanRequest(ScanTrigger.OnDemand, scope), cancellationToken).ConfigureAwait(false);
        return result.IsStarted
            ? await HttpJson.WriteAsync(request, HttpStatusCode.Accepted, new { scanId = result.ScanId, clustersEnqueued = result.ClustersEnqueued, scope = scope.ToString() }, cancellationToken).ConfigureAwait(false)
            : await HttpJson.WriteAsync(request, HttpStatusCode.Conflict, new { error = $"A scan of {scope} is already being enqueued; try again in a minute." }, cancellationToken).ConfigureAwait(false);
    }
}
