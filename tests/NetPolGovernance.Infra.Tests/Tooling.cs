using System.Diagnostics;
using System.Reflection;

namespace NetPolGovernance.Infra.Tests;

/// <summary>Where the repository and the tools are, and how to run them.</summary>
internal static class Tooling
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Infra => Path.Combine(RepositoryRoot, "infra");

    /// <summary>The Bicep CLI from the NuGet package (made executable: NuGet does not keep the mode bit).</summary>
    public static string Bicep { get; } = FindBicep();

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindBicep()
    {
        var folder = Metadata("BicepPackageFolder");
        var path = Path.Combine(folder, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI was not found at {path}: restore the Azure.Bicep.CommandLine.linux-x64 package (dotnet restore).", path);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The tests use the linux-x64 Bicep CLI package.");
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    private static string Metadata(string key) =>
        typeof(Tooling).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing (see the test project file).");
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => (StandardOutput + StandardError).Trim();
}
