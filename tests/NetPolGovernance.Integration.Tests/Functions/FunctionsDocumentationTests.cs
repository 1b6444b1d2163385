using System.Text.Json;
using NetPolGovernance.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

public sealed class FunctionsDocumentationTests
{
    public static TheoryData<string> SettingNames => [.. FunctionSettings.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SettingNames))]
    public void Readme_EverySetting_HasARowWithItsRequiredFlag(string name)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var definition = FunctionSettings.All.Single(s => s.Name == name);

        var row = readme.Split('\n').SingleOrDefault(line => line.StartsWith($"| `{name}` |", StringComparison.Ordinal));

        Assert.NotNull(row);
        Assert.StartsWith($"| `{name}` | {(definition.Required ? "yes" : "no")} |", row, StringComparison.Ordinal);
    }

    [Fact]
    public void HostJson_MaxDequeueCount_MatchesTheServiceConstant()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "NetPolGovernance.Functions", "host.json")));

        var queues = hostJson.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal(ScanStorageNames.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("OpenTelemetry", hostJson.RootElement.GetProperty("telemetryMode").GetString());
    }

    [Fact]
    public void LocalSettingsExample_EveryValue_IsAKnownSettingOrAHostSetting()
    {
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "NetPolGovernance.Functions", "local.settings.example.json")));
        var known = FunctionSettings.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var unknown = example.RootElement.GetProperty("Values").EnumerateObject()
            .Select(p => p.Name)
            .Where(n => !known.Contains(n) && !n.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal) && n != "FUNCTIONS_WORKER_RUNTIME")
            .ToList();

        Assert.Empty(unknown);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetPolGovernance.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No NetPolGovernance.sln above {AppContext.BaseDirectory}.");
    }
}
