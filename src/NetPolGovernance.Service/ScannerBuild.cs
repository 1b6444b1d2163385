using System.Reflection;

namespace NetPolGovernance.Service;

/// <summary>The version stamped on every published row (<c>ScannerVersion</c>).</summary>
public static class ScannerBuild
{
    public static string Version { get; } =
        typeof(ScannerBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ScannerBuild).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
