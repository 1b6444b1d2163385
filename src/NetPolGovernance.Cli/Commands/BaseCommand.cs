using System.CommandLine;

namespace NetPolGovernance.Cli.Commands;

/// <summary>A command whose action returns one of <see cref="ExitCodes"/>.</summary>
internal abstract class BaseCommand : Command
{
    protected BaseCommand(string name, string description)
        : base(name, description)
    {
        SetAction(ExecuteAsync);
    }

    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken);
}
