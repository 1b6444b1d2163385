using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;

namespace NetPolGovernance.Connectors.Scanning;

/// <summary>
/// What identifies a scan and the build that made it, the same in every host: the version stamped on every report
/// and published row (<c>ScannerVersion</c>), and the scan id format.
/// </summary>
public static class ScannerBuild
{
    private static readonly string? s_informational =
        typeof(ScannerBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>The engine's version without build metadata (for example <c>1.0.0</c>), read from this assembly.</summary>
    public static string Version { get; } =
        s_informational?.Split('+')[0]
        ?? typeof(ScannerBuild).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The source revision the build was made from (the informational version's <c>+</c> suffix), when known.</summary>
    public static string? Commit { get; } = s_informational?.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : null;

    /// <summary>A scan id that sorts by start time: <c>yyyyMMddTHHmmssZ-{8 hex}</c>.</summary>
    public static string NewScanId(DateTimeOffset startedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
}
