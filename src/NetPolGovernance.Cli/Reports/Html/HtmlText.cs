using System.Globalization;
using System.Net;

namespace NetPolGovernance.Cli.Reports.Html;

/// <summary>The HTML report's small pieces: encoding, badges, numbers, dates. Every value goes through <see cref="E"/>.</summary>
internal static class HtmlText
{
    /// <summary>A status badge; the colour comes from the class, the meaning always from the text.</summary>
    public static string Badge(string status, string? text = null) =>
        $"<span class=\"badge s-{E(status.ToLowerInvariant())}\">{E(text ?? Label(status))}</span>";

    public static string Label(string status) => status switch
    {
        "NonCompliant" or "noncompliant" => "Noncompliant",
        "NotApplicable" => "Not applicable",
        _ => status.Length > 0 ? char.ToUpperInvariant(status[0]) + status[1..] : status,
    };

    public static string Percent(int part, int whole) =>
        whole == 0 ? "n/a" : ((double)part / whole).ToString("0.#%", CultureInfo.InvariantCulture);

    public static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static string E(string value) => WebUtility.HtmlEncode(value);

    /// <summary>The fragment id of a check's row in the report's check table.</summary>
    public static string CheckAnchor(string checkId) => "check-" + checkId;

    /// <summary>The fragment id of the n-th cluster (1-based, in report order).</summary>
    public static string ClusterAnchor(int number) => string.Create(CultureInfo.InvariantCulture, $"cluster-{number}");
}
