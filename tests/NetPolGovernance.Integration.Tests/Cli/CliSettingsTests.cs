using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Service;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>Filters (--namespace, --exclude-namespace, --skip-dirs, --min-severity), netpolgov.yaml, NETPOLGOV_* and the exemptions file found by name.</summary>
public sealed class CliSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    public CliSettingsTests()
    {
        _cli.WorkingDirectory = _dir.Path;
    }

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    private static string Samples => CliHarness.SamplesPath("manifests");

    private IReadOnlyList<string> Namespaces()
    {
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        return [.. report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task Scan_NamespaceGlobs_JudgeOnlyTheSelectedNamespaces()
    {
        var exitCode = await _cli.RunAsync("scan", Samples, "-f", "json", "--namespace", "s*", "--namespace", "legacy", "--exclude-namespace", "sandbox");

        Assert.Equal(["legacy", "shop"], Namespaces());
        Assert.Equal(ExitCodes.NonCompliant, exitCode);
    }

    [Fact]
    public async Task Scan_NamespaceGlobMatchingNothing_IsAnErrorNotACompliantScan()
    {
        var exitCode = await _cli.RunAsync("scan", Samples, "-f", "json", "--namespace", "nothing-*");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Empty(Namespaces());
        Assert.Contains("--namespace nothing-*: matched no namespace", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_MinSeverity_HidesLowFindingsButKeepsTheExitCode()
    {
        var all = await _cli.RunAsync("scan", Samples, "-f", "json");
        using var full = JsonDocument.Parse(_cli.RawStandardOutput);
        using var cli = new CliHarness();
        var filtered = await cli.RunAsync("scan", Samples, "-f", "json", "--min-severity", "critical");
        using var shown = JsonDocument.Parse(cli.RawStandardOutput);

        Assert.Equal(all, filtered);
        static IEnumerable<string> Severities(JsonDocument d) => d.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray()
            .SelectMany(n => n.GetProperty("findings").EnumerateArray()).Select(f => f.GetProperty("severity").GetString()!.ToLowerInvariant());
        Assert.Contains(Severities(full), s => s != "critical");
        Assert.All(Severities(shown), s => Assert.Equal("critical", s));
        Assert.Contains("the exit code count every finding", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SkipDirs_LeavesOutMatchingFolders()
    {
        await _cli.RunAsync("scan", Samples, "-f", "json", "--skip-dirs", "legacy");

        Assert.Contains("legacy: skipped (matches the skip-dirs pattern", _cli.RawStandardOutput, StringComparison.Ordinal);
        Assert.Contains("shop", Namespaces());
    }

    [Fact]
    public async Task ConfigFile_InWorkingDirectory_GivesFlags_CommandLineWins()
    {
        _dir.Write("netpolgov.yaml", "format: json\nscan:\n  namespace: [legacy]\n");

        await _cli.RunAsync("scan", Samples);
        Assert.Equal(["legacy"], Namespaces());

        using var cli = new CliHarness { WorkingDirectory = _dir.Path };
        await cli.RunAsync("scan", Samples, "--namespace", "shop");
        using var report = JsonDocument.Parse(cli.RawStandardOutput);
        Assert.Equal("shop", report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Environment_BeatsConfigFile()
    {
        _dir.Write("netpolgov.yaml", "format: table\nnamespace: legacy\n");
        _cli.Environment["NETPOLGOV_FORMAT"] = "json";

        await _cli.RunAsync("scan", Samples);

        Assert.Equal(["legacy"], Namespaces());
    }

    [Fact]
    public async Task ConfigFile_UnknownKey_IsAnErrorNamingFileAndKey()
    {
        var file = _dir.Write("custom.yaml", "scan:\n  fail-onn: high\n");

        var exitCode = await _cli.RunAsync("scan", Samples, "--config", file);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"{file}:2: unknown key 'scan.fail-onn'", _cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("did you mean fail-on?", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_BadValue_NamesTheVariable()
    {
        _cli.Environment["NETPOLGOV_FAIL_ON"] = "severe";

        var exitCode = await _cli.RunAsync("scan", Samples);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("error: NETPOLGOV_FAIL_ON (environment): 'severe' is not a valid value for --fail-on", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsAppSettings_InTheEnvironment_DoNotBreakTheCli()
    {
        using var plain = new CliHarness();
        var expected = await plain.RunAsync("remediate", Samples);
        foreach (var setting in FunctionSettings.All)
        {
            _cli.Environment[setting.Name] = setting.Name switch
            {
                FunctionSettings.Profile => "cis",
                FunctionSettings.Exemptions => """[{"owner":"a","reason":"b","namespace":"legacy"}]""",
                FunctionSettings.Cloud => "AzureCloud",
                FunctionSettings.Engine => "calico",
                _ => setting.Default ?? "https://example.invalid/x",
            };
        }

        var exitCode = await _cli.RunAsync("remediate", Samples);

        Assert.Equal(expected, exitCode);
        Assert.DoesNotContain("error:", _cli.StandardError, StringComparison.Ordinal);
        using var scanCli = new CliHarness { WorkingDirectory = _dir.Path };
        foreach (var (name, value) in _cli.Environment)
        {
            scanCli.Environment[name] = value;
        }

        var scan = await scanCli.RunAsync("scan", Samples, "-f", "json");
        Assert.NotEqual(ExitCodes.UsageError, scan);
    }

    [Fact]
    public async Task SourceFromConfig_GivesWayToTheCommandLineSource()
    {
        _dir.Write("netpolgov.yaml", "kubeconfig: /nonexistent/kubeconfig\nformat: json\n");

        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples);

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        Assert.Contains("shop", Namespaces());
    }

    [Fact]
    public async Task ConventionalExemptionsFile_IsFoundAndNamed_NoExemptionsTurnsItOff()
    {
        var manifests = Path.Combine(_dir.Path, "k8s");
        CopyDirectory(Samples, manifests);
        File.Copy(CliHarness.SamplesPath("exemptions.yaml"), Path.Combine(manifests, ".netpolgov-exemptions.yaml"));

        await _cli.RunAsync("scan", manifests, "-f", "json");
        Assert.Contains("exemptions: " + Path.Combine(manifests, ".netpolgov-exemptions.yaml"), _cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"Exempt\"", _cli.RawStandardOutput, StringComparison.Ordinal);

        using var off = new CliHarness { WorkingDirectory = _dir.Path };
        await off.RunAsync("scan", manifests, "-f", "json", "--no-exemptions");
        Assert.DoesNotContain("exemptions:", off.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remediate_NamespaceGlobMatchingNothing_IsRefused()
    {
        var exitCode = await _cli.RunAsync("remediate", Samples, "--namespace", "nope-*");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--namespace: no namespace in the snapshot matches nope-*", _cli.StandardError, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
