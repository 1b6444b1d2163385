using System.Globalization;

namespace NetPolGovernance.Analysis.Calico;

/// <summary>
/// A recursive-descent parser for Calico selector expressions. Precedence, lowest first: <c>||</c>, <c>&amp;&amp;</c>,
/// <c>!</c>, then comparisons and functions. Written from the Calico selector reference; not a port of its code.
/// </summary>
internal sealed class CalicoSelectorParser
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _position;
    private int _depth;

    private CalicoSelectorParser(string text) => _text = text;

    public static bool TryParse(string text, out CalicoExpression? expression, out string? error)
    {
        var parser = new CalicoSelectorParser(text);
        try
        {
            var result = parser.ParseOr();
            parser.SkipSpace();
            if (!parser.AtEnd)
            {
                throw parser.Error("unexpected text");
            }

            expression = result;
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            expression = null;
            error = ex.Message;
            return false;
        }
    }

    private bool AtEnd => _position >= _text.Length;

    private CalicoExpression ParseOr()
    {
        var left = ParseAnd();
        while (TryConsume("||"))
        {
            left = new CalicoExpression.Or(left, ParseAnd());
        }

        return left;
    }

    private CalicoExpression ParseAnd()
    {
        var left = ParseUnary();
        while (TryConsume("&&"))
        {
            left = new CalicoExpression.And(left, ParseUnary());
        }

        return left;
    }

    private CalicoExpression ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("selector nested too deeply");
        }

        try
        {
            SkipSpace();
            if (Peek() == '!' && PeekAt(1) != '=')
            {
                _position++;
                return new CalicoExpression.Not(ParseUnary());
            }

            return ParsePrimary();
        }
        finally
        {
            _depth--;
        }
    }

    private CalicoExpression ParsePrimary()
    {
        SkipSpace();
        if (TryConsume("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        var word = ReadIdentifier();
        if (word.Length == 0)
        {
            throw Error("expected a label key, has(), all() or '('");
        }

        SkipSpace();
        if (Peek() == '(' && word is "all" or "global" or "has")
        {
            _position++;
            if (word == "has")
            {
                SkipSpace();
                var key = ReadIdentifier();
                if (key.Length == 0)
                {
                    throw Error("expected a label key inside has()");
                }

                Expect(")");
                return new CalicoExpression.Has(key);
            }

            Expect(")");
            return word == "all" ? new CalicoExpression.AllOf() : new CalicoExpression.GlobalOnly();
        }

        return ParseComparison(word);
    }

    private CalicoExpression ParseComparison(string key)
    {
        SkipSpace();
        if (TryConsume("=="))
        {
            return new CalicoExpression.Equal(key, ReadString());
        }

        if (TryConsume("!="))
        {
            return new CalicoExpression.Not(new CalicoExpression.Equal(key, ReadString()));
        }

        if (TryConsumeWord("in"))
        {
            return new CalicoExpression.In(key, ReadSet());
        }

        if (TryConsumeWord("not"))
        {
            SkipSpace();
            if (!TryConsumeWord("in"))
            {
                throw Error("expected 'in' after 'not'");
            }

            return new CalicoExpression.Not(new CalicoExpression.In(key, ReadSet()));
        }

        if (TryConsumeWord("contains"))
        {
            return new CalicoExpression.StringTest(key, "contains", ReadString());
        }

        foreach (var op in new[] { "starts", "ends" })
        {
            if (TryConsumeWord(op))
            {
                SkipSpace();
                if (!TryConsumeWord("with"))
                {
                    throw Error($"expected 'with' after '{op}'");
                }

                return new CalicoExpression.StringTest(key, op + " with", ReadString());
            }
        }

        throw Error($"expected an operator after '{key}'");
    }

    private List<string> ReadSet()
    {
        SkipSpace();
        Expect("{");
        var values = new List<string>();
        SkipSpace();
        if (TryConsume("}"))
        {
            return values;
        }

        do
        {
            values.Add(ReadString());
            SkipSpace();
        }
        while (TryConsume(","));

        Expect("}");
        return values;
    }

    private string ReadString()
    {
        SkipSpace();
        var quote = Peek();
        if (quote is not ('\'' or '"'))
        {
            throw Error("expected a quoted string");
        }

        var end = _text.IndexOf(quote, _position + 1);
        if (end < 0)
        {
            throw Error("unterminated string");
        }

        var value = _text[(_position + 1)..end];
        _position = end + 1;
        return value;
    }

    private string ReadIdentifier()
    {
        var start = _position;
        while (!AtEnd && IsKeyChar(_text[_position]))
        {
            _position++;
        }

        return _text[start.._position];
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-';

    private bool TryConsumeWord(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) == 0
            && (_position + word.Length >= _text.Length || !IsKeyChar(_text[_position + word.Length])))
        {
            _position += word.Length;
            return true;
        }

        return false;
    }

    private bool TryConsume(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _position, token, 0, token.Length) == 0)
        {
            _position += token.Length;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (!TryConsume(token))
        {
            throw Error($"expected '{token}'");
        }
    }

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private char Peek() => AtEnd ? '\0' : _text[_position];

    private char PeekAt(int offset) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    private FormatException Error(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{what} at position {_position + 1} of selector \"{_text}\""));
}
