using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// One end of a connection: a pod written <c>namespace/pod</c>, a pod derived from a workload written as the report
/// names it (<c>namespace/Kind/name</c>, e.g. <c>shop/Deployment/web</c>), or an address written <c>ip:10.1.2.3</c>
/// (IPv4 or IPv6). Addresses are treated as outside the cluster: pod IPs are not assumed to match ipBlocks.
/// </summary>
public sealed record ReachabilityEndpoint
{
    private ReachabilityEndpoint(string? ns, string? pod, IPAddress? address)
    {
        Namespace = ns;
        Pod = pod;
        Address = address;
    }

    public string? Namespace { get; }

    public string? Pod { get; }

    public IPAddress? Address { get; }

    [MemberNotNullWhen(true, nameof(Namespace), nameof(Pod))]
    [MemberNotNullWhen(false, nameof(Address))]
    public bool IsPod => Pod is not null;

    public static ReachabilityEndpoint ForPod(string ns, string pod)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(pod);
        return new ReachabilityEndpoint(ns, pod, null);
    }

    public static ReachabilityEndpoint ForAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new ReachabilityEndpoint(null, null, address);
    }

    /// <summary>
    /// Parses <c>ns/pod</c>, <c>ns/Kind/name</c> or <c>ip:ADDRESS</c>; on failure <paramref name="error"/> says what is
    /// wrong. Pod names never hold a slash, so <c>ns/Kind/name</c> is unambiguous: the pod name is <c>Kind/name</c>.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ReachabilityEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "an endpoint is required: write namespace/pod, namespace/Kind/name or ip:ADDRESS";
            return false;
        }

        text = text.Trim();
        if (text.StartsWith("ip:", StringComparison.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(text.AsSpan(3), out var address))
            {
                endpoint = ForAddress(address);
                error = null;
                return true;
            }

            error = $"'{text}' is not an IP address after 'ip:'";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var second = slash <= 0 ? -1 : text.IndexOf('/', slash + 1);
        if (slash <= 0
            || slash == text.Length - 1
            || second == slash + 1
            || second == text.Length - 1
            || (second > 0 && text.IndexOf('/', second + 1) >= 0))
        {
            error = $"'{text}' is neither namespace/pod, namespace/Kind/name nor ip:ADDRESS";
            return false;
        }

        endpoint = ForPod(text[..slash], text[(slash + 1)..]);
        error = null;
        return true;
    }

    /// <summary><c>ns/pod</c> or <c>ip:ADDRESS</c>, the form <see cref="TryParse"/> reads.</summary>
    public override string ToString() => IsPod ? $"{Namespace}/{Pod}" : $"ip:{Address}";
}
