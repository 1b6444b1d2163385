using System.Globalization;
using Azure;
using Azure.Core;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// Exponential back-off (Azure.Core's shape) that also honours Resource Graph's
/// <c>x-ms-user-quota-resets-after</c> (hh:mm:ss) on a throttled response. The base class already honours
/// <c>Retry-After</c> / <c>retry-after-ms</c>: the larger of the server hint and the back-off wins.
/// </summary>
internal sealed class ArmThrottleDelayStrategy : DelayStrategy
{
    private readonly TimeSpan _initialDelay;

    public ArmThrottleDelayStrategy(TimeSpan initialDelay, TimeSpan maxDelay)
        : base(maxDelay, jitterFactor: 0.2)
    {
        _initialDelay = initialDelay;
    }

    protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber)
    {
        var exponential = TimeSpan.FromTicks((long)(_initialDelay.Ticks * Math.Pow(2, Math.Max(0, retryNumber - 1))));
        if (response is not null && ResourceGraphQuota.TryGetResetsAfter(response, out var resetsAfter))
        {
            return Max(exponential, resetsAfter);
        }

        return exponential;
    }
}

/// <summary>Reads Resource Graph's per-user quota headers.</summary>
internal static class ResourceGraphQuota
{
    public const string RemainingHeader = "x-ms-user-quota-remaining";
    public const string ResetsAfterHeader = "x-ms-user-quota-resets-after";

    public static bool TryGetRemaining(Response response, out int remaining)
    {
        remaining = 0;
        return response.Headers.TryGetValue(RemainingHeader, out var value)
            && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out remaining);
    }

    public static bool TryGetResetsAfter(Response response, out TimeSpan resetsAfter)
    {
        resetsAfter = TimeSpan.Zero;
        return response.Headers.TryGetValue(ResetsAfterHeader, out var value)
            && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out resetsAfter)
            && resetsAfter >= TimeSpan.Zero;
    }
}
