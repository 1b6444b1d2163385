using System.Text;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// A text writer that drops the spaces at the end of each line (Spectre pads table cells and blank border rows to
/// the full width), so a table in a pipe, a file or a CI log carries no trailing whitespace. Spaces inside a line
/// are held until the next character arrives and then written unchanged.
/// </summary>
internal sealed class TrailingSpaceTrimmingWriter : TextWriter
{
    private readonly TextWriter _inner;
    private int _pendingSpaces;

    public TrailingSpaceTrimmingWriter(TextWriter inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    public override Encoding Encoding => _inner.Encoding;

    public override IFormatProvider FormatProvider => _inner.FormatProvider;

    public override void Write(char value)
    {
        switch (value)
        {
            case ' ':
                _pendingSpaces++;
                break;
            case '\n' or '\r':
                _pendingSpaces = 0;
                _inner.Write(value);
                break;
            default:
                FlushSpaces();
                _inner.Write(value);
                break;
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ' ' or '\n' or '\r')
            {
                if (i > start)
                {
                    FlushSpaces();
                    _inner.Write(value.AsSpan(start, i - start));
                }

                Write(c);
                start = i + 1;
            }
        }

        if (start < value.Length)
        {
            FlushSpaces();
            _inner.Write(value.AsSpan(start));
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Write(new string(buffer, index, count));
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync() => _inner.FlushAsync();

    private void FlushSpaces()
    {
        if (_pendingSpaces > 0)
        {
            _inner.Write(new string(' ', _pendingSpaces));
            _pendingSpaces = 0;
        }
    }
}
