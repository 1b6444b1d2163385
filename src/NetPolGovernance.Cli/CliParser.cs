using System.CommandLine;
using System.CommandLine.Invocation;

namespace NetPolGovernance.Cli;

/// <summary>Parses a command line the way <c>netpolgov</c> does: a parse error prints the error, not the whole help text.</summary>
internal static class CliParser
{
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction parseError)
        {
            parseError.ShowHelp = false;
        }

        return parseResult;
    }
}
