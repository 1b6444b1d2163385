using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Testing.Functions;

/// <summary>
/// An HTTP proxy on 127.0.0.1:0 for a process that must reach a public Azure host name (e.g. <c>management.azure.com</c>)
/// without a setting to point it elsewhere: the process gets <c>HTTPS_PROXY</c>, sends <c>CONNECT host:443</c>, and the
/// proxy answers TLS under that name with a certificate from its own CA (which the process trusts through
/// <c>SSL_CERT_FILE</c>), then relays the bytes to a loopback server over a second TLS connection it verifies against
/// that server's CA. Any other host is refused (403), so nothing leaves the machine.
/// </summary>
public sealed class LoopbackHttpsProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly LoopbackCertificateAuthority _authority;
    private readonly Dictionary<string, Route> _routes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _tunnels;

    private LoopbackHttpsProxy(TcpListener listener, LoopbackCertificateAuthority authority, Dictionary<string, Route> routes)
    {
        _listener = listener;
        _authority = authority;
        _routes = routes;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The proxy URL, for <c>HTTPS_PROXY</c>.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The CA of the certificates the proxy presents, as PEM.</summary>
    public string CaPem => _authority.CaPem;

    /// <summary>How many tunnels were opened (a test can check the process really came through).</summary>
    public int Tunnels => Volatile.Read(ref _tunnels);

    /// <summary>
    /// Starts a proxy that serves each host name (port 443) from its loopback target; <paramref name="targets"/> maps the
    /// public host name to the target's https origin and the callback that verifies the target's certificate.
    /// </summary>
    public static LoopbackHttpsProxy Start(IReadOnlyDictionary<string, (Uri Target, RemoteCertificateValidationCallback Validate)> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var authority = LoopbackCertificateAuthority.Create("netpolgov-loopback-proxy-ca", [.. targets.Keys]);
        var routes = targets.ToDictionary(t => t.Key, t => new Route(t.Value.Target, t.Value.Validate), StringComparer.OrdinalIgnoreCase);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new LoopbackHttpsProxy(listener, authority, routes);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
        _authority.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => TunnelAsync(client, cancellationToken), CancellationToken.None);
        }
    }

    private async Task TunnelAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadHeadAsync(stream, cancellationToken).ConfigureAwait(false);
                var parts = request.Split(' ', 3);
                var hostPort = parts.Length == 3 && parts[0] == "CONNECT" ? parts[1] : string.Empty;
                var host = hostPort.EndsWith(":443", StringComparison.Ordinal) ? hostPort[..^4] : string.Empty;
                if (!_routes.TryGetValue(host, out var route))
                {
                    await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    return;
                }

                await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _tunnels);
                await using var front = new SslStream(stream, leaveInnerStreamOpen: false);
                await front.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions { ServerCertificate = _authority.ServerCertificate, ApplicationProtocols = [SslApplicationProtocol.Http11] },
                    cancellationToken).ConfigureAwait(false);

                using var upstream = new TcpClient();
                await upstream.ConnectAsync(route.Target.Host, route.Target.Port, cancellationToken).ConfigureAwait(false);
                await using var back = new SslStream(upstream.GetStream(), leaveInnerStreamOpen: false, route.Validate);
                await back.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = route.Target.Host, ApplicationProtocols = [SslApplicationProtocol.Http11] },
                    cancellationToken).ConfigureAwait(false);

                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var up = PumpAsync(front, back, linked.Token);
                var down = PumpAsync(back, front, linked.Token);
                await Task.WhenAny(up, down).ConfigureAwait(false);
                await linked.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or AuthenticationException)
            {
                // A closed or refused tunnel ends here; the client sees the connection drop, as through any proxy.
            }
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await to.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // One side closed.
        }
    }

    /// <summary>Reads the request line and headers (up to the blank line); returns the request line.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (head.Length < 8192)
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
            if (head.Length >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }
        }

        var text = head.ToString();
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private sealed record Route(Uri Target, RemoteCertificateValidationCallback Validate);
}
