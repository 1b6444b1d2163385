using System.CommandLine;
using NetPolGovernance.Cli.Interaction;

namespace NetPolGovernance.Cli.Commands;

/// <summary>A command whose action returns one of <see cref="ExitCodes"/>.</summary>
internal abstract class BaseCommand : Command
{
    protected BaseCommand(string name, string description)
        : base(name, description)
    {
        SetAction(RunAsync);
    }

    /// <summary>The options every command takes (set by the composition root); applied before the command runs.</summary>
    internal GlobalOptions? Globals { get; set; }

    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the command; a cancellation of the run's own token (Ctrl+C, SIGTERM) is a clean stop with
    /// <see cref="ExitCodes.Interrupted"/> (the host maps SIGTERM to <see cref="ExitCodes.Terminated"/>), never a crash.
    /// Commands that keep partial work say what they kept before this returns. A failed Azure sign-in is one
    /// <c>error:</c> line and <see cref="ExitCodes.UsageError"/>.
    /// </summary>
    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            Globals?.Apply(parseResult);
        }
        catch (Scanning.ScanInputException ex)
        {
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        try
        {
            return await ExecuteAsync(parseResult, cancellationToken).ConfigureAwait(false);
        }
        catch (Connectors.Azure.AzureSignInException ex)
        {
            // A command that reads one cluster through Azure (reach, remediate): the same one line as scan and clusters list.
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"netpolgov {Name}: interrupted; stopped before the end (see above for what was kept)").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }
}
