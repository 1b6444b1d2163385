using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetPolGovernance.Simulator.Tls;

/// <summary>
/// The TLS identity of every loopback server (Kubernetes API, ARM, Logs Ingestion, Azurite): a throw-away certificate
/// authority generated in memory (ECDSA P-256, valid one day) and a server certificate it signs for <c>127.0.0.1</c>
/// and <c>localhost</c>. Clients trust the server only through this CA, as they trust a real cluster through the
/// kubeconfig's <c>certificate-authority-data</c>: the chain is built to this CA as the only root and the host name
/// is checked, so TLS is verified, never switched off.
/// </summary>
public sealed class LoopbackCertificateAuthority : IDisposable
{
    private LoopbackCertificateAuthority(X509Certificate2 caCertificate, X509Certificate2 serverCertificate)
    {
        CaCertificate = caCertificate;
        ServerCertificate = serverCertificate;
        CaPem = caCertificate.ExportCertificatePem();
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The CA certificate as PEM (what <c>certificate-authority-data</c> carries, base64-encoded).</summary>
    public string CaPem { get; }

    /// <summary>Creates a fresh CA and a server certificate signed by it (also valid for <paramref name="dnsNames"/>, when given).</summary>
    public static LoopbackCertificateAuthority Create(string commonName = "netpolgov-loopback-ca", IReadOnlyList<string>? dnsNames = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={commonName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caWithKey = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        foreach (var name in dnsNames ?? [])
        {
            names.AddDnsName(name);
        }

        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caWithKey, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = serverRequest.Create(caWithKey, now.AddMinutes(-5), now.AddDays(1).AddMinutes(-10), serial);
        using var signedWithKey = signed.CopyWithPrivateKey(serverKey);

        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        var server = X509CertificateLoader.LoadPkcs12(signedWithKey.Export(X509ContentType.Pkcs12), password: null);
        var caPublic = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        return new LoopbackCertificateAuthority(caPublic, server);
    }

    /// <summary>The server certificate as PEM, for a server that reads its certificate from a file (Azurite).</summary>
    public string ServerCertificatePem() => ServerCertificate.ExportCertificatePem();

    /// <summary>The server's private key as PKCS#8 PEM, for a server that reads its key from a file (Azurite).</summary>
    public string ServerKeyPem()
    {
        using var key = ServerCertificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The loopback server certificate has no ECDSA key.");
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>
    /// Accepts a server certificate only when it chains to this CA (the sole trusted root) and the TLS stack found no
    /// other problem (a host name not on the certificate is refused).
    /// </summary>
    public bool Validate(X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>An HTTP handler whose TLS validation trusts only this CA (<see cref="Validate"/>).</summary>
    public SocketsHttpHandler CreateTrustingHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, errors) => Validate(presented, errors),
        },
    };

    public void Dispose()
    {
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
    }
}
