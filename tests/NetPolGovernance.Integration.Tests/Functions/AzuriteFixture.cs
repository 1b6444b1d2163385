using NetPolGovernance.Integration.Tests.Functions;
using NetPolGovernance.Testing.Storage;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>One Azurite for the whole test run; each test takes its own storage account from it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public async ValueTask InitializeAsync() => _server = await AzuriteServer.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
