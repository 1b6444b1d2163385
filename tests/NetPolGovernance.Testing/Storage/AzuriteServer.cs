using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Testing.Storage;

/// <summary>
/// Azurite (npm package <c>azurite</c> from <c>tools/node</c>) on free loopback ports, in memory, with HTTPS (a
/// certificate generated here) and OAuth, so the Azure SDK clients run with a <see cref="TokenCredential"/> exactly
/// as they do against Azure. It serves <see cref="AccountCount"/> storage accounts; each test takes its own with
/// <see cref="NextAccount"/>, so tests never see each other's queues and blobs.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    public const int AccountCount = 32;

    private readonly Process _process;
    private readonly string _workDirectory;
    private readonly LoopbackCertificateAuthority _authority;
    private int _nextAccount;

    private AzuriteServer(Process process, string workDirectory, LoopbackCertificateAuthority authority, int blobPort, int queuePort)
    {
        _process = process;
        _workDirectory = workDirectory;
        _authority = authority;
        BlobPort = blobPort;
        QueuePort = queuePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public TokenCredential Credential { get; } = new AzuriteTokenCredential();

    /// <summary>The CA Azurite's certificate chains to, as PEM (for a process that trusts it through <c>SSL_CERT_FILE</c>).</summary>
    public string CaPem => _authority.CaPem;

    /// <summary>Starts Azurite; fails with the command to run when the node tools are not installed.</summary>
    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tools", "node", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}: run `npm ci --prefix tools/node` (.ci/run does).");
        }

        var workDirectory = Directory.CreateTempSubdirectory("netpolgov-azurite-").FullName;
        var authority = LoopbackCertificateAuthority.Create("netpolgov-loopback-azurite-ca");
        var certPath = Path.Combine(workDirectory, "cert.pem");
        var keyPath = Path.Combine(workDirectory, "key.pem");
        await File.WriteAllTextAsync(certPath, authority.ServerCertificatePem(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(keyPath, authority.ServerKeyPem(), cancellationToken).ConfigureAwait(false);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0", "--inMemoryPersistence", "--extentMemoryLimit", "256",
            "--oauth", "basic", "--cert", certPath, "--key", keyPath, "--skipApiVersionCheck", "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AZURITE_ACCOUNTS"] = string.Join(';', Enumerable.Range(0, AccountCount).Select(i => $"{AccountName(i)}:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))}"));

        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var output = new List<string>();
        int? blobPort = null;
        int? queuePort = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (blobPort is null || queuePort is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Azurite exited before listening: {string.Join(Environment.NewLine, output)} {await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
                output.Add(line);
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (match.Groups["service"].Value == "Blob")
                    {
                        blobPort = port;
                    }
                    else if (match.Groups["service"].Value == "Queue")
                    {
                        queuePort = port;
                    }
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            authority.Dispose();
            throw;
        }

        // Keep draining its output so Azurite never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        return new AzuriteServer(process, workDirectory, authority, blobPort.Value, queuePort.Value);
    }

    /// <summary>A storage account no other caller of this server gets.</summary>
    public AzuriteAccount NextAccount()
    {
        var index = Interlocked.Increment(ref _nextAccount) - 1;
        if (index >= AccountCount)
        {
            throw new InvalidOperationException($"This Azurite serves {AccountCount} accounts; raise AzuriteServer.AccountCount.");
        }

        var name = AccountName(index);
        return new AzuriteAccount(
            name,
            new Uri($"https://127.0.0.1:{BlobPort}/{name}"),
            new Uri($"https://127.0.0.1:{QueuePort}/{name}"),
            Credential,
            this);
    }

    /// <summary>A transport that verifies TLS against this server's CA only.</summary>
    public HttpPipelineTransport CreateTransport() => new HttpClientTransport(_authority.CreateTrustingHandler());

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _process.Dispose();
        _authority.Dispose();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static string AccountName(int index) => $"netpolgov{index:00}";

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>One Azurite storage account, with clients set up the way the Functions app sets up its own.</summary>
public sealed record AzuriteAccount(string Name, Uri BlobServiceUri, Uri QueueServiceUri, TokenCredential Credential, AzuriteServer Server)
{
    /// <summary>Base64 messages, as the Functions queue trigger expects.</summary>
    public QueueClientOptions CreateQueueClientOptions() =>
        new() { MessageEncoding = QueueMessageEncoding.Base64, Transport = Server.CreateTransport() };

    public BlobClientOptions CreateBlobClientOptions() => new() { Transport = Server.CreateTransport() };

    public QueueServiceClient CreateQueueServiceClient() => new(QueueServiceUri, Credential, CreateQueueClientOptions());

    public BlobServiceClient CreateBlobServiceClient() => new(BlobServiceUri, Credential, CreateBlobClientOptions());
}
