using Spectre.Console;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// <see cref="IInteractionService"/> over two Spectre consoles (stdout, stderr) and the stdout stream.
/// User text is escaped before it reaches markup. Writes to stderr are serialized (progress is reported from the
/// scan's worker threads), and a live line on a terminal is cleared before any other line and redrawn after it.
/// </summary>
internal sealed class ConsoleInteractionService : IInteractionService
{
    private readonly IAnsiConsole _error;
    private readonly Func<Stream> _openStandardOutput;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private string? _live;

    public ConsoleInteractionService(IAnsiConsole output, IAnsiConsole error, Func<Stream> openStandardOutput)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(openStandardOutput);
        Output = output;
        _error = error;
        _openStandardOutput = openStandardOutput;
    }

    public IAnsiConsole Output { get; }

    public bool IsInteractive => _error.Profile.Capabilities.Interactive;

    public Verbosity Verbosity { get; set; } = Verbosity.Normal;

    public bool UseColor { get; set; } = true;

    public Stream OpenStandardOutput() => _openStandardOutput();

    public void DisplayError(string message) => Line(Styled("red", "error:", message));

    public void DisplayWarning(string message)
    {
        if (Verbosity == Verbosity.Quiet)
        {
            return;
        }

        lock (_gate)
        {
            if (!_warned.Add(message))
            {
                return; // once per cause
            }
        }

        Line(Styled("yellow", "warning:", message));
    }

    public void DisplayStatus(string message)
    {
        if (Verbosity == Verbosity.Quiet)
        {
            return;
        }

        var text = message.EscapeMessageForTerminal();
        Line(UseColor ? $"[grey]{text}[/]" : text);
    }

    public void DisplayLive(string? line)
    {
        if (!IsInteractive || Verbosity == Verbosity.Quiet)
        {
            return;
        }

        lock (_gate)
        {
            ClearLive();
            _live = line;
            DrawLive();
        }
    }

    private string Styled(string color, string label, string message)
    {
        var text = message.EscapeMessageForTerminal();
        return UseColor ? $"[{color}]{label}[/] {text}" : $"{label} {text}";
    }

    private void Line(string markup)
    {
        lock (_gate)
        {
            ClearLive();
            _error.MarkupLine(markup);
            DrawLive();
        }
    }

    private void ClearLive()
    {
        if (_live is not null)
        {
            _error.Profile.Out.Writer.Write("\r\u001b[2K");
        }
    }

    private void DrawLive()
    {
        if (_live is not null)
        {
            var width = Math.Max(20, _error.Profile.Width - 1);
            var text = _live.Length > width ? _live[..width] : _live;
            _error.Profile.Out.Writer.Write(text);
            _error.Profile.Out.Writer.Flush();
        }
    }
}
