using System.CommandLine;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Reports.Json;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov version</c> (and <c>netpolgov --version</c>): the scanner version stamped on every report, the source
/// commit it was built from, and the version of the JSON report schema it writes.
/// </summary>
internal sealed class VersionCommand : Command
{
    public VersionCommand(IInteractionService interaction)
        : base("version", "Print the version, the commit it was built from and the report schema version.")
    {
        ArgumentNullException.ThrowIfNull(interaction);
        SetAction(_ =>
        {
            Write(interaction);
            return ExitCodes.Compliant;
        });
    }

    /// <summary>The lines both <c>version</c> and <c>--version</c> print, on stdout.</summary>
    public static IReadOnlyList<string> Lines() =>
    [
        $"netpolgov {ScannerBuild.Version}",
        $"commit: {ScannerBuild.Commit ?? "unknown"}",
        $"report schema: {ReportSchema.Version}",
    ];

    public static void Write(IInteractionService interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var stdout = interaction.OpenStandardOutput();
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Lines()) + "\n");
        stdout.Write(bytes);
        stdout.Flush();
    }
}

/// <summary>The action of <c>netpolgov --version</c>: the same lines as <see cref="VersionCommand"/>.</summary>
internal sealed class VersionOptionAction(IInteractionService interaction) : System.CommandLine.Invocation.SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        VersionCommand.Write(interaction);
        return ExitCodes.Compliant;
    }
}
