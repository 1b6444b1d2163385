using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetPolGovernance.Simulator.Azure;

/// <summary>A self-signed server certificate for 127.0.0.1 / localhost, and a handler that trusts exactly that certificate.</summary>
public static class LoopbackCertificate
{
    private static readonly Lazy<X509Certificate2> s_shared = new(Create);

    /// <summary>One certificate for every loopback Azure server in the process (key generation is the slow part).</summary>
    public static X509Certificate2 Shared => s_shared.Value;

    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=netpolgov-loopback-azure", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// An <see cref="HttpMessageHandler"/> that accepts only <paramref name="certificate"/> (pinned by thumbprint):
    /// TLS is verified, against the test's own certificate instead of the system store.
    /// </summary>
    public static SocketsHttpHandler CreateTrustingHandler(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        return new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null
                    && string.Equals(presented.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.Ordinal),
            },
        };
    }
}
