using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports.Sarif;

/// <summary>What every SARIF netpolgov writes shares (the scan's and the diff's): levels, scores and artifact URIs.</summary>
internal static class SarifConventions
{
    public const string InformationUri = "https://github.com/netpolgov/NetPolGovernance";

    public static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub code scanning maps this 0–10 score to Critical (≥9), High (≥7), Medium (≥4), Low.</summary>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "1.0",
    };

    /// <summary>A file as code scanning wants it: relative to <paramref name="baseDirectory"/> when inside it, else a file URI.</summary>
    public static string ArtifactUri(string file, string baseDirectory)
    {
        var full = Path.GetFullPath(file, baseDirectory);
        var relative = Path.GetRelativePath(baseDirectory, full);
        if (!Path.IsPathRooted(relative) && !relative.StartsWith("..", StringComparison.Ordinal))
        {
            return Uri.EscapeDataString(relative.Replace('\\', '/')).Replace("%2F", "/", StringComparison.Ordinal);
        }

        return new Uri(full).AbsoluteUri;
    }
}
