namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// The <c>labelSelector</c> and <c>fieldSelector</c> query parameters of list and deletecollection requests.
/// Label selectors support <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>,
/// <c>k notin (a,b)</c>; field selectors support <c>=</c>, <c>==</c>, <c>!=</c> on the fields a kind exposes.
/// </summary>
internal sealed class ListSelectors
{
    private readonly List<Func<StoredObject, bool>> _requirements = [];

    private ListSelectors()
    {
    }

    /// <summary>Parses both selectors; returns false with a message the server sends back as 400 BadRequest.</summary>
    public static bool TryParse(string? labelSelector, string? fieldSelector, out ListSelectors selectors, out string error)
    {
        selectors = new ListSelectors();
        error = string.Empty;
        foreach (var term in SplitTerms(labelSelector))
        {
            if (!TryParseLabelTerm(term, out var requirement))
            {
                error = $"unable to parse requirement: invalid label selector term \"{term}\"";
                return false;
            }

            selectors._requirements.Add(requirement);
        }

        foreach (var term in SplitTerms(fieldSelector))
        {
            if (!TryParseFieldTerm(term, out var field, out var value, out var negate))
            {
                error = $"invalid field selector term \"{term}\"";
                return false;
            }

            selectors._requirements.Add(obj =>
            {
                var actual = obj.Fields.TryGetValue(field, out var found) ? found : null;
                return actual is not null && (string.Equals(actual, value, StringComparison.Ordinal) != negate);
            });
            selectors.FieldNames.Add(field);
        }

        return true;
    }

    /// <summary>The field names the field selector uses (the server rejects those a kind does not support).</summary>
    public List<string> FieldNames { get; } = [];

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(StoredObject obj) => _requirements.TrueForAll(requirement => requirement(obj));

    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            yield break;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return selector[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }

        yield return selector[start..].Trim();
    }

    private static bool TryParseLabelTerm(string term, out Func<StoredObject, bool> requirement)
    {
        requirement = _ => true;
        if (term.Length == 0)
        {
            return false;
        }

        var setMatch = System.Text.RegularExpressions.Regex.Match(term, @"^(\S+)\s+(in|notin)\s*\((.*)\)$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        if (setMatch.Success)
        {
            var key = setMatch.Groups[1].Value;
            var values = setMatch.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var isIn = setMatch.Groups[2].Value == "in";
            requirement = obj => obj.Labels.TryGetValue(key, out var v) ? values.Contains(v) == isIn : !isIn;
            return true;
        }

        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var parts = term.Split("!=", 2);
            var (key, value) = (parts[0].Trim(), parts[1].Trim());
            requirement = obj => !obj.Labels.TryGetValue(key, out var v) || !string.Equals(v, value, StringComparison.Ordinal);
            return key.Length > 0;
        }

        if (term.Contains('=', StringComparison.Ordinal))
        {
            var parts = term.Split(term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            var (key, value) = (parts[0].Trim(), parts[1].Trim());
            requirement = obj => obj.Labels.TryGetValue(key, out var v) && string.Equals(v, value, StringComparison.Ordinal);
            return key.Length > 0;
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            requirement = obj => !obj.Labels.ContainsKey(key);
            return key.Length > 0;
        }

        requirement = obj => obj.Labels.ContainsKey(term);
        return true;
    }

    private static bool TryParseFieldTerm(string term, out string field, out string value, out bool negate)
    {
        negate = term.Contains("!=", StringComparison.Ordinal);
        var separator = negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=";
        var parts = term.Split(separator, 2);
        field = parts[0].Trim();
        value = parts.Length == 2 ? parts[1].Trim() : string.Empty;
        return parts.Length == 2 && field.Length > 0;
    }
}
