using NetPolGovernance.Connectors.Exemptions;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Integration.Tests.Manifests;

public sealed class ExemptionFileLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<IReadOnlyList<NetPolGovernance.Analysis.Assessment.Exemption>> LoadAsync(string path) =>
        ExemptionFileLoader.LoadAsync(path, TestContext.Current.CancellationToken);

    [Fact]
    public async Task LoadAsync_YamlMappingWithList_ReadsEveryField()
    {
        var file = _dir.Write("exemptions.yaml", """
            exemptions:
              - id: legacy
                subscriptionId: 00000000-0000-0000-0000-000000000001
                cluster: "prod-*"
                namespace: legacy-?
                namespaceLabels: {tier: old}
                checks: [NPG-N01, NPG-N02]
                owner: billing@contoso.com
                reason: migration
                expiresOn: 2026-12-31
            """);

        var exemption = Assert.Single(await LoadAsync(file));

        Assert.Equal("legacy", exemption.Id);
        Assert.Equal("00000000-0000-0000-0000-000000000001", exemption.SubscriptionId);
        Assert.Equal("prod-*", exemption.Cluster);
        Assert.Equal("legacy-?", exemption.Namespace);
        Assert.Equal("old", exemption.NamespaceLabels!["tier"]);
        Assert.Equal(["NPG-N01", "NPG-N02"], exemption.Checks);
        Assert.Equal("billing@contoso.com", exemption.Owner);
        Assert.Equal("migration", exemption.Reason);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero), exemption.ExpiresOn);
    }

    [Fact]
    public async Task LoadAsync_JsonListWithTimestamps_ConvertsToUtc()
    {
        var file = _dir.Write("exemptions.json", """
            [
              {"namespace": "a", "owner": "o", "reason": "r", "expiresOn": "2026-07-01T10:00:00+02:00"},
              {"namespace": "b", "owner": "o", "reason": "r", "expiresOn": "2026-07-01T10:00:00"},
              {"namespace": "c", "owner": "o", "reason": "r"}
            ]
            """);

        var exemptions = await LoadAsync(file);

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero), exemptions[0].ExpiresOn);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), exemptions[1].ExpiresOn);
        Assert.Null(exemptions[2].ExpiresOn);
        Assert.Empty(exemptions[2].Checks);
        Assert.Equal("exemption-3", exemptions[2].Id);
    }

    [Fact]
    public async Task LoadAsync_MissingOwner_FailsWithLineOfTheExemption()
    {
        var file = _dir.Write("exemptions.yaml", "- namespace: a\n  owner: o\n  reason: r\n- namespace: b\n  reason: r\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Equal(4, error.Line);
        Assert.Contains("exemption 2: owner: is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MisspeltField_FailsInsteadOfIgnoringIt()
    {
        var file = _dir.Write("exemptions.yaml", "- namespace: a\n  owner: o\n  reason: r\n  expireson: 2026-01-01\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Contains("expireson: unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_BadExpiry_FailsNamingTheValue()
    {
        var file = _dir.Write("exemptions.yaml", "- namespace: a\n  owner: o\n  reason: r\n  expiresOn: next tuesday\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Contains("'next tuesday' is not a date", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_FailsNamingIt()
    {
        var missing = Path.Combine(_dir.Path, "none.yaml");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(missing));

        Assert.Equal($"{missing}: no such file", error.Message);
    }

    [Fact]
    public async Task LoadAsync_MalformedYaml_FailsWithLine()
    {
        var file = _dir.Write("exemptions.yaml", "exemptions:\n  - namespace: a\n    owner: [o\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.NotNull(error.Line);
        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_EmptyFile_HasNoExemptions()
    {
        var file = _dir.Write("exemptions.yaml", "# nothing yet\n");

        Assert.Empty(await LoadAsync(file));
    }
}
