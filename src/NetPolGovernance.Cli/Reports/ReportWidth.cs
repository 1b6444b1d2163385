using System.Globalization;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// How wide human reports are drawn. On a terminal, the terminal's width (Spectre reads it); off a terminal (a pipe,
/// a file, a CI log), <see cref="Default"/> columns unless the <c>COLUMNS</c> environment variable names another
/// width, the convention shells and <c>ls</c> follow.
/// </summary>
internal static class ReportWidth
{
    /// <summary>The width of a report that goes to a pipe or a file.</summary>
    public const int Default = 80;

    /// <summary>Narrower than this, no table can be drawn; wider values of <c>COLUMNS</c> are kept up to <see cref="Maximum"/>.</summary>
    public const int Minimum = 40;

    public const int Maximum = 1000;

    /// <param name="columns">The value of <c>COLUMNS</c>, or null.</param>
    public static int ForRedirectedOutput(string? columns) =>
        int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width >= Minimum
            ? Math.Min(width, Maximum)
            : Default;
}
