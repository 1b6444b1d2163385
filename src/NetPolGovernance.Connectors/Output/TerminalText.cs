using System.Globalization;
using System.Text;

namespace NetPolGovernance.Connectors.Output;

/// <summary>
/// Makes text from clusters, manifests and servers safe to print on a terminal: C0 controls (including ESC), DEL,
/// C1 controls and the Unicode bidirectional overrides are written as <c>\u001b</c>-style escapes, so an object
/// name cannot move the cursor, recolour the screen, rewrite earlier lines or reorder what a reader sees. Used for
/// table output (every cell) and for messages on stderr (where line breaks the program itself writes are kept).
/// </summary>
public static class TerminalText
{
    /// <summary>Escapes every control character, line breaks included (for one-line fields such as table cells).</summary>
    public static string Escape(string? value) => Escape(value, keepLineBreaks: false);

    /// <summary>Escapes control characters but keeps <c>\n</c> (and <c>\r\n</c>) for multi-line messages.</summary>
    public static string EscapeMessage(string? value) => Escape(value, keepLineBreaks: true);

    /// <summary>True when <paramref name="c"/> would be escaped by <see cref="Escape(string?)"/>.</summary>
    public static bool IsUnsafe(char c) =>
        c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';

    private static string Escape(string? value, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? string.Empty;
        }

        var first = -1;
        for (var i = 0; i < value.Length; i++)
        {
            if (IsUnsafe(value[i]) && !(keepLineBreaks && value[i] == '\n'))
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16).Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            if (keepLineBreaks && (c == '\n' || (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')))
            {
                builder.Append(c);
            }
            else if (IsUnsafe(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
