using System.Text.Json;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Commands;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// How the command line is read: multi-valued options stop at the next option, paths may be positional, typos are
/// errors on stderr with a suggestion (never on stdout), <c>-f</c> is <c>--format</c>, and the version and completion
/// commands.
/// </summary>
public sealed class CliParsingTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Manifests_StopAtTheNextOption_SoExemptionsAndShortFormatApply()
    {
        var exitCode = await _cli.RunAsync(
            "scan", "--manifests", CliHarness.SamplesPath("manifests"), "-f", "json", "--exemptions", CliHarness.SamplesPath("exemptions.yaml"));

        Assert.True(exitCode is ExitCodes.Compliant or ExitCodes.NonCompliant, _cli.StandardError);
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        var sandbox = Namespace(report, "sandbox");
        Assert.Equal("Exempt", sandbox.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Manifests_MayBePositionalPaths()
    {
        var exitCode = await _cli.RunAsync("scan", CliHarness.SamplesPath("manifests"), "--format", "json");

        Assert.True(exitCode is ExitCodes.Compliant or ExitCodes.NonCompliant, _cli.StandardError);
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        Assert.Equal("NonCompliant", Namespace(report, "legacy").GetProperty("status").GetString());
    }

    [Fact]
    public async Task MistypedOption_SwallowedByManifests_IsAnUnknownOptionWithASuggestion_OnStderr()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", CliHarness.SamplesPath("manifests"), "--exemption", CliHarness.SamplesPath("exemptions.yaml"));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("unknown option '--exemption' for 'netpolgov scan'; did you mean --exemptions?", _cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Theory]
    [InlineData("--fromat", "--format")]
    [InlineData("--profle", "--profile")]
    [InlineData("--exemptoins", "--exemptions")]
    public async Task UnknownOption_IsAnErrorOnStderrWithTheClosestOption(string typo, string meant)
    {
        var exitCode = await _cli.RunAsync("scan", typo, "json", CliHarness.SamplesPath("manifests"));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"unknown option '{typo}' for 'netpolgov scan'; did you mean {meant}?", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Fact]
    public async Task UnknownCommand_SuggestsTheClosestCommand_OnStderr()
    {
        var exitCode = await _cli.RunAsync("scna", "--manifests", "x");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("unknown command 'scna' for 'netpolgov'; did you mean scan?", _cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Fact]
    public async Task UnrelatedWord_GetsNoSuggestion()
    {
        var exitCode = await _cli.RunAsync("scan", "--zzzzzzzz", CliHarness.SamplesPath("manifests"));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("unknown option '--zzzzzzzz' for 'netpolgov scan'", _cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortFormat_IsFormatInClustersListToo()
    {
        var exitCode = await _cli.RunAsync("clusters", "list", "-f", "yaml");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("'yaml' is not a valid value for --format", _cli.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    public async Task Version_PrintsVersionCommitAndReportSchema(string how)
    {
        var exitCode = await _cli.RunAsync(how);

        Assert.Equal(ExitCodes.Compliant, exitCode);
        var lines = _cli.RawStandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(VersionCommand.Lines(), lines);
        Assert.Matches(@"^netpolgov \d+\.\d+\.\d+", lines[0]);
        Assert.StartsWith("commit: ", lines[1], StringComparison.Ordinal);
        Assert.Equal("report schema: 1.3", lines[2]);
    }

    [Theory]
    [InlineData("bash", "complete -o default -o bashdefault -F _netpolgov_complete netpolgov")]
    [InlineData("zsh", "compdef _netpolgov netpolgov")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName netpolgov")]
    public async Task Completion_PrintsAScriptThatAsksTheParser(string shell, string registration)
    {
        var exitCode = await _cli.RunAsync("completion", shell);

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.Contains(registration, _cli.RawStandardOutput, StringComparison.Ordinal);
        Assert.Contains("[suggest:", _cli.RawStandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_OfAnUnknownShell_IsAUsageError()
    {
        var exitCode = await _cli.RunAsync("completion", "fish");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("no completion script for 'fish'; use one of: bash, zsh, pwsh", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Theory]
    [InlineData("scan --form", "--format")]
    [InlineData("scan --format ", "sarif")]
    [InlineData("scan --profile ", "strict")]
    [InlineData("sc", "scan")]
    [InlineData("completion ", "zsh")]
    public async Task SuggestDirective_CompletesCommandsOptionsAndValues(string line, string expected)
    {
        var exitCode = await _cli.RunAsync($"[suggest:{line.Length}]", line);

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.Contains(expected, _cli.StandardOutput.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("report.yaml", "'.yaml' files")]
    [InlineData("report", "files without an extension")]
    public async Task OutputWithAnExtensionNoFormatWrites_IsRefused_UnlessFormatIsGiven(string name, string why)
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, name);

        var exitCode = await _cli.RunAsync("scan", CliHarness.SamplesPath("manifests"), "-o", output);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"{output}: no report format writes {why}; name the file .txt, .json", _cli.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        using var explicitFormat = new CliHarness();
        Assert.Equal(ExitCodes.NonCompliant, await explicitFormat.RunAsync("scan", CliHarness.SamplesPath("manifests"), "-o", output, "-f", "json"));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.Equal("1.3", report.RootElement.GetProperty("schemaVersion").GetString());
    }

    private static JsonElement Namespace(JsonDocument report, string name) =>
        report.RootElement.GetProperty("clusters").EnumerateArray()
            .SelectMany(c => c.GetProperty("namespaces").EnumerateArray())
            .Single(n => n.GetProperty("name").GetString() == name);
}
