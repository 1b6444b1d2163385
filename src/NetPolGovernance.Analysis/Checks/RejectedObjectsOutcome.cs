using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis.Checks;

/// <summary>The outcome NPG-N11 and NPG-C06 share: one line per rejected object, its rules as evidence.</summary>
internal static class RejectedObjectsOutcome
{
    public static CheckOutcome For(IReadOnlyList<RejectedObject> rejected, string passMessage)
    {
        if (rejected.Count == 0)
        {
            return CheckOutcome.Pass(passMessage);
        }

        var described = rejected.Select(r => $"{r.Describe()} ({string.Join("; ", r.Violations)})");
        var policies = rejected.Count(r => r.IsPolicy);
        var tail = policies > 0 ? $" {policies} of them {(policies == 1 ? "is a policy and is" : "are policies and are")} not counted as protection." : string.Empty;
        return CheckOutcome.Fail(
            $"{rejected.Count} object{(rejected.Count == 1 ? string.Empty : "s")} the API server would reject: {string.Join(", ", described)}.{tail}")
            with
            {
                Evidence = EvidenceMap.Of(
                    ("objects", rejected.Select(r => r.ResourcePath)),
                    ("rules", rejected.SelectMany(r => r.Violations).Select(v => v.Rule).Distinct(StringComparer.Ordinal))),
                Location = rejected.Select(r => r.Source).FirstOrDefault(s => s is not null),
            };
    }
}
