using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>
/// The one TLS identity of the loopback servers, exercised on the ARM server: a client trusts it through its CA only,
/// and the host name is verified (a certificate pinned by thumbprint would accept any name).
/// </summary>
public sealed class LoopbackCertificateAuthorityTests
{
    [Fact]
    public async Task TrustingHandler_ServerOfThisAuthority_CompletesTheHandshake()
    {
        await using var server = await StartAsync();
        using var client = new HttpClient(server.CreateTrustingHandler());

        using var response = await client.GetAsync(server.Endpoint, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode); // TLS passed; the server wants a token.
    }

    [Fact]
    public async Task TrustingHandler_ServerOfAnotherAuthority_IsRefused()
    {
        await using var server = await StartAsync();
        using var other = LoopbackCertificateAuthority.Create("some-other-ca");
        using var client = new HttpClient(other.CreateTrustingHandler());

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(server.Endpoint, TestContext.Current.CancellationToken));

        Assert.IsType<AuthenticationException>(failure.InnerException);
    }

    [Fact]
    public async Task TrustingHandler_HostNameNotOnTheCertificate_IsRefused()
    {
        // Arrange: connect to the server's port while TLS is asked for a name the certificate does not carry.
        await using var server = await StartAsync();
        var handler = server.CreateTrustingHandler();
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, server.Endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        };
        using var client = new HttpClient(handler);
        var elsewhere = new UriBuilder(server.Endpoint) { Host = "arm.example.invalid" }.Uri;

        // Act
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(elsewhere, TestContext.Current.CancellationToken));

        // Assert
        Assert.IsType<AuthenticationException>(failure.InnerException);
    }

    private static Task<AzureLoopbackServer> StartAsync() =>
        AzureLoopbackServer.StartAsync(new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 1)] }, TestContext.Current.CancellationToken);
}
