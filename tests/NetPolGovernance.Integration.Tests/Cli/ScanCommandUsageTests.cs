using NetPolGovernance.Cli;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>Usage and input errors: exit code 1, a clear message on stderr, nothing on stdout.</summary>
public sealed class ScanCommandUsageTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Scan_WithoutSource_ReturnsUsageErrorNamingTheSources()
    {
        var exitCode = await _cli.RunAsync("scan");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("nothing to scan: give one of --manifests PATH...", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Fact]
    public async Task Scan_MissingManifestPath_ReturnsUsageErrorNamingThePath()
    {
        var missing = Path.Combine(_dir.Path, "missing");

        var exitCode = await _cli.RunAsync("scan", "--manifests", missing);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"{missing}: no such file or directory", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Fact]
    public async Task Scan_MalformedManifest_ReturnsUsageErrorWithFileAndLine()
    {
        var file = _dir.Write("bad.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n   labels: {}\n");

        var exitCode = await _cli.RunAsync("scan", "--manifests", file, "--format", "json");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"{file}:", _cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.StandardOutput);
    }

    [Fact]
    public async Task Scan_MalformedExemptionsFile_ReturnsUsageErrorWithFileAndLine()
    {
        var manifests = _dir.Write("m/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        var exemptions = _dir.Write("exemptions.yaml", "- namespace: a\n  owner: team\n  reason: legacy\n  expires: 2026-01-01\n");

        var exitCode = await _cli.RunAsync("scan", "--manifests", manifests, "--exemptions", exemptions);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"{exemptions}:1: exemption 1: expires: unknown field", _cli.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--profile", "lenient")]
    [InlineData("--fail-on", "severe")]
    public async Task Scan_InvalidChoice_ReturnsUsageError(string option, string value)
    {
        var manifests = _dir.Write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");

        var exitCode = await _cli.RunAsync("scan", "--manifests", manifests, option, value);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"'{value}' is not a valid value for {option}", _cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.RawStandardOutput);
    }

    [Fact]
    public async Task Scan_UnknownOption_ReturnsUsageError()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", ".", "--colour");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--colour", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ManifestsWithoutPath_ReturnsUsageError()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--manifests", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheScanCommand()
    {
        var exitCode = await _cli.RunAsync("--help");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.Contains("scan", _cli.StandardOutput, StringComparison.Ordinal);
    }
}
