using System.Diagnostics;
using NetPolGovernance.Testing.Storage;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// Runs the real <c>netpolgov</c> process (as built by its own project, in this test run's configuration) with
/// stdout and stderr redirected, as a pipe or a CI log sees it.
/// </summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <param name="args">The command line after <c>netpolgov</c>.</param>
    /// <param name="environment">Variables to set; a null value removes the variable (COLUMNS is always removed unless given).</param>
    /// <param name="workingDirectory">Where the process runs; default the repository root.</param>
    public static async Task<Result> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        start.ArgumentList.Add(Assembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("COLUMNS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
            if (value is null)
            {
                start.Environment.Remove(name);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("netpolgov did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(120), ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The CLI's own build output (with its own deps.json), in the configuration of this test run.</summary>
    public static string Assembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name; // .../bin/{Configuration}/{tfm}
        var cli = Path.Combine(RepositoryPaths.Root, "src", "NetPolGovernance.Cli", "bin", configuration, testOutput.Name, "netpolgov.dll");
        return File.Exists(cli) ? cli : throw new InvalidOperationException($"{cli} is not built");
    }
}
