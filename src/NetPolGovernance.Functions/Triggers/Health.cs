using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NetPolGovernance.Service;

namespace NetPolGovernance.Functions.Triggers;

/// <summary><c>GET /api/health</c> (function key): each check with a message; 200 when nothing is Unhealthy, else 503.</summary>
public sealed class Health
{
    private readonly ServiceHealthCheck _health;

    public Health(ServiceHealthCheck health) => _health = health;

    [Function(nameof(Health))]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "health")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await _health.CheckAsync(cancellationToken).ConfigureAwait(false);
        var status = report.State == HealthState.Unhealthy ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
        return await HttpJson.WriteAsync(request, status, report, cancellationToken).ConfigureAwait(false);
    }
}
