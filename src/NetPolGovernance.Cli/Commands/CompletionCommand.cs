using System.CommandLine;
using System.Text;
using NetPolGovernance.Cli.Interaction;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov completion bash|zsh|pwsh</c>: prints a shell script that completes <c>netpolgov</c> command lines. The
/// script asks the parser itself (<c>netpolgov "[suggest:N]" "LINE"</c>, the parser's suggest directive), so commands,
/// options and option values complete from the same definitions the CLI parses with; paths fall back to the shell's
/// own file completion.
/// </summary>
internal sealed class CompletionCommand : Command
{
    /// <summary>The shells a script exists for; <c>powershell</c> is accepted for <c>pwsh</c>.</summary>
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "pwsh"];

    private const string Bash = """
        # netpolgov completion for bash. Load it with: source <(netpolgov completion bash)   (e.g. in ~/.bashrc)
        _netpolgov_complete()
        {
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"${COMP_WORDS[0]}"}"
            line="${line#"${line%%[![:space:]]*}"}"
            local IFS=$'\n'
            local candidates
            candidates="$(netpolgov "[suggest:${#line}]" "${line}" 2>/dev/null)"
            COMPREPLY=( $(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -o bashdefault -F _netpolgov_complete netpolgov

        """;

    private const string Zsh = """
        #compdef netpolgov
        # netpolgov completion for zsh. Load it with: source <(netpolgov completion zsh)   (e.g. in ~/.zshrc, after compinit)
        _netpolgov() {
            local line="${LBUFFER#*${words[1]}}"
            line="${line#"${line%%[! ]*}"}"
            local -a candidates
            candidates=("${(@f)$(netpolgov "[suggest:${#line}]" "${line}" 2>/dev/null)}")
            candidates=(${candidates:#})
            if (( ${#candidates} )); then
                compadd -- "${candidates[@]}"
            else
                _files
            fi
        }
        if (( $+functions[compdef] )); then
            compdef _netpolgov netpolgov
        fi

        """;

    private const string PowerShell = """
        # netpolgov completion for PowerShell. Load it with: netpolgov completion pwsh | Out-String | Invoke-Expression   (e.g. in $PROFILE)
        Register-ArgumentCompleter -Native -CommandName netpolgov -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $text = $commandAst.Extent.Text
            $length = [Math]::Max(0, [Math]::Min($text.Length, $cursorPosition - $commandAst.Extent.StartOffset))
            $line = $text.Substring(0, $length) -replace '^\S+\s*', ''
            netpolgov "[suggest:$($line.Length)]" "$line" 2>$null |
                Where-Object { $_ -like "$wordToComplete*" } |
                ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
        }

        """;

    public CompletionCommand(IInteractionService interaction)
        : base("completion", "Print a shell completion script: bash, zsh or pwsh (PowerShell).")
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var shell = new Argument<string>("shell")
        {
            Description = "bash, zsh or pwsh.",
            HelpName = string.Join('|', Shells),
        };
        shell.CompletionSources.Add([.. Shells]);
        shell.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && Script(token.Value) is null)
            {
                result.AddError($"no completion script for '{token.Value}'; use one of: {string.Join(", ", Shells)}");
            }
        });
        Arguments.Add(shell);
        SetAction(parseResult =>
        {
            var stdout = interaction.OpenStandardOutput();
            stdout.Write(Encoding.UTF8.GetBytes(Script(parseResult.GetValue(shell)!)!.ReplaceLineEndings("\n")));
            stdout.Flush();
            return ExitCodes.Compliant;
        });
    }

    /// <summary>The script for <paramref name="shell"/>, or null when there is none.</summary>
    public static string? Script(string shell) => shell.ToLowerInvariant() switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "pwsh" or "powershell" => PowerShell,
        _ => null,
    };
}
