using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>What one check concluded, before profile and exemptions are applied.</summary>
internal sealed record CheckOutcome(CheckResult Result, string Message)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Evidence { get; init; } = EvidenceMap.Empty;

    public SourceLocation? Location { get; init; }

    /// <summary>Overrides the catalog severity (NPG-C03 rises as a retirement date nears).</summary>
    public Severity? Severity { get; init; }

    public static CheckOutcome Pass(string message) => new(CheckResult.Pass, message);

    public static CheckOutcome Fail(string message) => new(CheckResult.Fail, message);

    public static CheckOutcome Unknown(string message) => new(CheckResult.Unknown, message);

    public static CheckOutcome NotApplicable(string message) => new(CheckResult.NotApplicable, message);
}

/// <summary>Builds evidence maps in a fixed key order; empty entries are left out.</summary>
internal static class EvidenceMap
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Empty { get; } =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, IReadOnlyList<string>>(new Dictionary<string, IReadOnlyList<string>>());

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(params (string Key, IEnumerable<string?> Values)[] entries)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in entries)
        {
            var list = values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            if (list.Count > 0)
            {
                map[key] = list;
            }
        }

        return map;
    }

    public static IEnumerable<string?> One(string? value) => [value];
}
