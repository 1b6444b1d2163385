using System.Diagnostics;
using NetPolGovernance.Cli.Commands;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// The install path the README documents: <c>dotnet pack</c> makes the <c>netpolgov</c> .NET tool, <c>dotnet tool
/// install</c> puts it on a tool path, and the installed command runs (version, a scan, bash completion). Slow (a pack
/// and an install), so it is one test. It packs the CLI as already built for this test run (<c>--no-build</c>) and
/// installs from a local folder only, with its own package cache, so neither the network nor an earlier install of the
/// same version is involved.
/// </summary>
public sealed class ToolInstallTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PackedTool_InstallsAndRuns_VersionScanAndCompletion()
    {
        var ct = TestContext.Current.CancellationToken;
        var (root, configuration) = RepositoryAndConfiguration();
        var packages = Path.Combine(_dir.Path, "nupkg");
        var tools = Path.Combine(_dir.Path, "tools");
        var nugetConfig = _dir.Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);

        var pack = await RunAsync("dotnet", ["pack", Path.Combine(root, "src", "NetPolGovernance.Cli"), "-c", configuration, "--no-build", "-o", packages, "--nologo"], ct);
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.Single(Directory.GetFiles(packages, "netpolgov.*.nupkg"));

        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "netpolgov", "--add-source", packages, "--configfile", nugetConfig], ct);
        Assert.True(install.ExitCode == 0, install.Output);

        var netpolgov = Path.Combine(tools, OperatingSystem.IsWindows() ? "netpolgov.exe" : "netpolgov");
        var version = await RunAsync(netpolgov, ["--version"], ct);
        Assert.Equal(0, version.ExitCode);
        Assert.Equal(VersionCommand.Lines(), version.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var scan = await RunAsync(netpolgov, ["scan", Path.Combine(root, "samples", "manifests"), "-f", "json"], ct);
        Assert.True(scan.ExitCode == 2, scan.Output); // the samples hold NonCompliant namespaces
        Assert.Contains("\"schemaVersion\"", scan.StandardOutput, StringComparison.Ordinal);

        // bash completion as the shell runs it: the script from `completion bash`, asked for the word under the cursor.
        var script = """
            source <(netpolgov completion bash)
            COMP_LINE="netpolgov scan --form"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(netpolgov scan --form); COMP_CWORD=2
            _netpolgov_complete; printf '%s\n' "${COMPREPLY[@]}"
            COMP_LINE="netpolgov scan --format sa"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(netpolgov scan --format sa); COMP_CWORD=3
            _netpolgov_complete; printf '%s\n' "${COMPREPLY[@]}"
            """;
        var completion = await RunAsync("bash", ["-c", script], ct, path: tools);
        Assert.True(completion.ExitCode == 0, completion.Output);
        Assert.Equal(["--format", "sarif"], completion.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task<ProcessOutcome> RunAsync(string fileName, IReadOnlyList<string> args, CancellationToken ct, string? path = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NUGET_PACKAGES"] = Path.Combine(_dir.Path, "packages");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (path is not null)
        {
            start.Environment["PATH"] = path + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new ProcessOutcome(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The repository root and the configuration (Debug, Release) this test run was built in.</summary>
    private static (string Root, string Configuration) RepositoryAndConfiguration()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name; // .../bin/{Configuration}/{tfm}
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NetPolGovernance.sln")))
        {
            root = root.Parent;
        }

        return (root?.FullName ?? throw new InvalidOperationException("repository root not found"), configuration);
    }

    private sealed record ProcessOutcome(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => $"exit {ExitCode}\n{StandardOutput}\n{StandardError}";
    }
}
