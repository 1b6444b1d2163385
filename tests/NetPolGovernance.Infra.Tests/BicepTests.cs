namespace NetPolGovernance.Infra.Tests;

/// <summary>infra/ builds and lints offline with the Bicep CLI from NuGet, with no diagnostics at all.</summary>
public sealed class BicepTests
{
    [Fact]
    public async Task Build_MainBicep_CompilesWithoutErrorsOrWarnings()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.Equal(string.Empty, template.BuildOutput);
        Assert.Equal("[variables('tags')]", template.Root["resources"]![0]!["tags"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lint_EveryBicepFile_NoDiagnostics()
    {
        var result = await Tooling.RunAsync(Tooling.Bicep, ["lint", "--pattern", "infra/**/*.bicep"], TestContext.Current.CancellationToken);

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Output));
    }

    [Fact]
    public void InfraFiles_UseNoRegistryModules()
    {
        var offenders = Directory.EnumerateFiles(Tooling.Infra, "*.bicep", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("br/public:", StringComparison.Ordinal) || File.ReadAllText(f).Contains("br:", StringComparison.Ordinal))
            .ToArray();

        Assert.Empty(offenders);
        Assert.True(File.Exists(Path.Combine(Tooling.RepositoryRoot, "azure.yaml")));
    }
}
