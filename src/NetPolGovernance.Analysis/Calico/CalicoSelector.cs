namespace NetPolGovernance.Analysis.Calico;

/// <summary>
/// A parsed Calico selector expression (docs/semantics.md §9.2): <c>k == 'v'</c>, <c>k != 'v'</c> (true when the
/// label is absent), <c>k in {'a','b'}</c>, <c>k not in {...}</c>, <c>has(k)</c>, <c>!</c>, <c>&amp;&amp;</c>,
/// <c>||</c>, parentheses, <c>all()</c>, and also <c>global()</c>, <c>contains</c>, <c>starts with</c>,
/// <c>ends with</c>. An empty selector selects everything. Parse with <see cref="TryParse"/>.
/// </summary>
internal sealed class CalicoSelector
{
    private readonly CalicoExpression _root;

    private CalicoSelector(CalicoExpression root, string text)
    {
        _root = root;
        Text = text;
    }

    /// <summary>The selector that matches every endpoint (<c>all()</c> or empty).</summary>
    public static CalicoSelector All { get; } = new(new CalicoExpression.AllOf(), "all()");

    public string Text { get; }

    /// <summary>True for the empty selector and <c>all()</c>: structurally every endpoint.</summary>
    public bool SelectsEverything => _root is CalicoExpression.AllOf;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _root.Evaluate(labels);

    /// <summary>Parses a selector; null or whitespace gives <see cref="All"/>. On failure <paramref name="error"/> says where.</summary>
    public static bool TryParse(string? text, out CalicoSelector selector, out string? error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            selector = All;
            error = null;
            return true;
        }

        if (CalicoSelectorParser.TryParse(text, out var root, out error))
        {
            selector = new CalicoSelector(root!, text);
            return true;
        }

        selector = All;
        return false;
    }

    public override string ToString() => Text;
}

/// <summary>The expression tree of a Calico selector.</summary>
internal abstract record CalicoExpression
{
    public abstract bool Evaluate(IReadOnlyDictionary<string, string> labels);

    internal sealed record AllOf : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => true;
    }

    /// <summary><c>global()</c>: non-namespaced resources only; never a pod.</summary>
    internal sealed record GlobalOnly : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => false;
    }

    internal sealed record Has(string Key) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => labels.ContainsKey(Key);
    }

    internal sealed record Equal(string Key, string Value) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) =>
            labels.TryGetValue(Key, out var actual) && string.Equals(actual, Value, StringComparison.Ordinal);
    }

    internal sealed record In(string Key, IReadOnlyList<string> Values) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) =>
            labels.TryGetValue(Key, out var actual) && Values.Contains(actual, StringComparer.Ordinal);
    }

    internal sealed record StringTest(string Key, string Operator, string Value) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) =>
            labels.TryGetValue(Key, out var actual)
            && Operator switch
            {
                "contains" => actual.Contains(Value, StringComparison.Ordinal),
                "starts with" => actual.StartsWith(Value, StringComparison.Ordinal),
                _ => actual.EndsWith(Value, StringComparison.Ordinal),
            };
    }

    internal sealed record Not(CalicoExpression Operand) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => !Operand.Evaluate(labels);
    }

    internal sealed record And(CalicoExpression Left, CalicoExpression Right) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => Left.Evaluate(labels) && Right.Evaluate(labels);
    }

    internal sealed record Or(CalicoExpression Left, CalicoExpression Right) : CalicoExpression
    {
        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => Left.Evaluate(labels) || Right.Evaluate(labels);
    }
}
