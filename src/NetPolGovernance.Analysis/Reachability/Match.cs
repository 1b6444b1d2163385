namespace NetPolGovernance.Analysis.Reachability;

/// <summary>Whether a rule (or part of one) matches a connection: known not to, might (the model cannot tell), or does.</summary>
internal enum Match
{
    No,
    Maybe,
    Yes,
}

internal static class Matches
{
    /// <summary>Both parts must match: No wins, then Maybe.</summary>
    public static Match Both(Match first, Match second) =>
        first == Match.No || second == Match.No ? Match.No
        : first == Match.Yes && second == Match.Yes ? Match.Yes
        : Match.Maybe;

    /// <summary>Either part may match: Yes wins, then Maybe.</summary>
    public static Match Either(Match first, Match second) =>
        first == Match.Yes || second == Match.Yes ? Match.Yes
        : first == Match.Maybe || second == Match.Maybe ? Match.Maybe
        : Match.No;

    /// <summary>The negation of a match: Maybe stays Maybe.</summary>
    public static Match Not(Match match) => match switch
    {
        Match.Yes => Match.No,
        Match.No => Match.Yes,
        _ => Match.Maybe,
    };
}
