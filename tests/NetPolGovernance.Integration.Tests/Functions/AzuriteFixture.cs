using NetPolGovernance.Testing.Storage;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>
/// The test classes that use Azurite: they share one (<see cref="AzuriteFixture"/>), started when the first of them
/// runs. Only these classes depend on it: when Azurite cannot start (node or the node tools missing), their tests fail
/// with the reason and every other test runs as usual; a run filtered to other tests never starts it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>One Azurite for the <see cref="AzuriteCollection"/>; each test takes its own storage account from it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public async ValueTask InitializeAsync()
    {
        try
        {
            _server = await AzuriteServer.StartAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            throw new InvalidOperationException($"Azurite could not be started, so the tests of the '{AzuriteCollection.Name}' collection cannot run (other tests are not affected): {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
