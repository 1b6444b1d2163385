using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>What a hostile (or broken) API server does to the client reading it.</summary>
public enum HostileBehaviour
{
    /// <summary>Every list page carries a fresh <c>continue</c> token: the list never ends.</summary>
    EndlessContinue,

    /// <summary>A list page holds a million items whatever <c>limit</c> asked (and a continue token).</summary>
    OversizedPage,

    /// <summary>A list page of <c>limit</c> items, each padded with 64 KiB: gigabytes in one response.</summary>
    HugeBody,

    /// <summary><c>/apis</c> answers a group list of about 2 GB.</summary>
    HugeDiscovery,

    /// <summary>Headers at once, then the body (about 600 bytes) one byte at a time, 200 ms apart.</summary>
    SlowDrip,

    /// <summary>A list whose item name holds bytes that are not UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A list body that is not JSON.</summary>
    InvalidJson,

    /// <summary>Every request answers 400 with a Status message echoing the Authorization header.</summary>
    TokenEcho,
}

/// <summary>
/// The loopback server's hostile answers (<see cref="KubeFault.Hostile"/>). Each is streamed as it is generated, so
/// the server holds no more than a chunk whatever the client is made to read; a client that stops reading stops it.
/// </summary>
internal static class HostileResponses
{
    private const int ChunkBytes = 64 * 1024;
    private const int OversizedItems = 1_000_000;
    private const int PaddingBytes = 64 * 1024;
    private const long DiscoveryBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Which requests a behaviour takes: discovery for <see cref="HostileBehaviour.HugeDiscovery"/>, every request for token echo, lists for the rest.</summary>
    public static KubeRequestMatch MatchFor(HostileBehaviour behaviour) => behaviour switch
    {
        HostileBehaviour.HugeDiscovery => new(r => r.Verb == KubeVerb.Discovery && r.Path.TrimEnd('/') == "/apis"),
        HostileBehaviour.TokenEcho => KubeRequestMatch.Any,
        _ => KubeRequestMatch.OfVerb(KubeVerb.List),
    };

    public static Task RespondAsync(HostileBehaviour behaviour, HttpContext context, KubeRequest request) => behaviour switch
    {
        HostileBehaviour.EndlessContinue => ListAsync(context, request, Math.Clamp(request.Limit ?? 500, 1, 5000), padding: 0, continueToken: true),
        HostileBehaviour.OversizedPage => ListAsync(context, request, OversizedItems, padding: 0, continueToken: true),
        HostileBehaviour.HugeBody => ListAsync(context, request, Math.Clamp(request.Limit ?? 500, 1, 50_000), PaddingBytes, continueToken: false),
        HostileBehaviour.HugeDiscovery => DiscoveryAsync(context),
        HostileBehaviour.SlowDrip => SlowDripAsync(context, request),
        HostileBehaviour.InvalidUtf8 => InvalidUtf8Async(context, request),
        HostileBehaviour.InvalidJson => WriteAsync(context, 200, "{\"kind\":\"List\",\"items\":[{\"metadata\":{\"name\":]}"u8.ToArray()),
        HostileBehaviour.TokenEcho => TokenEchoAsync(context),
        _ => throw new ArgumentOutOfRangeException(nameof(behaviour), behaviour, null),
    };

    private static async Task ListAsync(HttpContext context, KubeRequest request, int items, int padding, bool continueToken)
    {
        var cancellationToken = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = KubeApiResponses.JsonContentType;
        var page = request.Continue is { } previous && int.TryParse(previous.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number + 1 : 1;
        var next = continueToken ? $",\"continue\":\"page-{page.ToString(CultureInfo.InvariantCulture)}\"" : string.Empty;
        var chunk = new StringBuilder(ChunkBytes + PaddingBytes);
        chunk.Append(CultureInfo.InvariantCulture, $"{{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{{\"resourceVersion\":\"1\"{next}}},\"items\":[");
        var pad = padding > 0 ? new string('x', padding) : null;
        for (var i = 0; i < items; i++)
        {
            chunk.Append(i == 0 ? "{" : ",{")
                .Append(CultureInfo.InvariantCulture, $"\"metadata\":{{\"name\":\"hostile-{page}-{i}\",\"namespace\":\"hostile\",\"uid\":\"u{page}-{i}\"");
            if (pad is not null)
            {
                chunk.Append(",\"annotations\":{\"padding\":\"").Append(pad).Append("\"}");
            }

            chunk.Append("}}");
            if (chunk.Length >= ChunkBytes)
            {
                await FlushAsync(context, chunk, cancellationToken).ConfigureAwait(false);
            }
        }

        chunk.Append("]}");
        await FlushAsync(context, chunk, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DiscoveryAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = KubeApiResponses.JsonContentType;
        var chunk = new StringBuilder(ChunkBytes * 2);
        chunk.Append("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
        long sent = 0;
        for (var i = 0; sent < DiscoveryBytes; i++)
        {
            chunk.Append(i == 0 ? string.Empty : ",")
                .Append(CultureInfo.InvariantCulture, $"{{\"name\":\"hostile{i}.example.com\",\"versions\":[{{\"groupVersion\":\"hostile{i}.example.com/v1\",\"version\":\"v1\"}}]}}");
            if (chunk.Length >= ChunkBytes)
            {
                sent += chunk.Length;
                await FlushAsync(context, chunk, cancellationToken).ConfigureAwait(false);
            }
        }

        chunk.Append("]}");
        await FlushAsync(context, chunk, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SlowDripAsync(HttpContext context, KubeRequest request)
    {
        var cancellationToken = context.RequestAborted;
        // About 600 bytes at 5 a second: two minutes, past the collector's default request deadline.
        var body = Encoding.UTF8.GetBytes($"{{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{{}},\"items\":[{{\"metadata\":{{\"name\":\"{request.Resource?.Plural ?? "x"}-slow\",\"annotations\":{{\"padding\":\"{new string('x', 500)}\"}}}}}}]}}");
        context.Response.StatusCode = 200;
        context.Response.ContentType = KubeApiResponses.JsonContentType;
        context.Response.ContentLength = body.Length;
        for (var i = 0; i < body.Length; i++)
        {
            await context.Response.Body.WriteAsync(body.AsMemory(i, 1), cancellationToken).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task InvalidUtf8Async(HttpContext context, KubeRequest request)
    {
        var body = new List<byte>();
        body.AddRange(Encoding.UTF8.GetBytes($"{{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{{}},\"items\":[{{\"metadata\":{{\"name\":\"{request.Resource?.Plural ?? "x"}-"));
        body.AddRange([0xFF, 0xFE, 0xC0, 0x80]);
        body.AddRange("\",\"namespace\":\"default\"}}]}"u8.ToArray());
        return WriteAsync(context, 200, [.. body]);
    }

    private static Task TokenEchoAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : authorization;
        var message = $"internal error handling request with headers Authorization: {authorization}; token={token}";
        using var buffer = KubeApiResponses.Render(w => KubeApiResponses.WriteStatus(w, 400, "BadRequest", message));
        return WriteAsync(context, 400, buffer.ToArray());
    }

    private static async Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = KubeApiResponses.JsonContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task FlushAsync(HttpContext context, StringBuilder chunk, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(chunk.ToString());
        chunk.Clear();
        await context.Response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
