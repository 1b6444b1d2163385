using Spectre.Console;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// <see cref="IInteractionService"/> over two Spectre consoles (stdout, stderr) and the stdout stream.
/// User text is escaped before it reaches markup.
/// </summary>
internal sealed class ConsoleInteractionService : IInteractionService
{
    private readonly IAnsiConsole _error;
    private readonly Func<Stream> _openStandardOutput;

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

    public Stream OpenStandardOutput() => _openStandardOutput();

    public void DisplayError(string message) => _error.MarkupLine($"[red]error:[/] {message.EscapeMessageForTerminal()}");

    public void DisplayWarning(string message) => _error.MarkupLine($"[yellow]warning:[/] {message.EscapeMessageForTerminal()}");

    public void DisplayStatus(string message) => _error.MarkupLine($"[grey]{message.EscapeMessageForTerminal()}[/]");
}
