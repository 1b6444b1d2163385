using NetPolGovernance.Connectors.Output;
using Spectre.Console;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>Text from clusters, manifests or servers on its way into Spectre markup: control characters escaped first (<see cref="TerminalText"/>), then markup.</summary>
internal static class TerminalMarkup
{
    /// <summary>One-line fields (table cells, names): every control character escaped, line breaks included.</summary>
    public static string EscapeForTerminal(this string value) => TerminalText.Escape(value).EscapeMarkup();

    /// <summary>Messages: control characters escaped, the line breaks of the message kept.</summary>
    public static string EscapeMessageForTerminal(this string value) => TerminalText.EscapeMessage(value).EscapeMarkup();
}
