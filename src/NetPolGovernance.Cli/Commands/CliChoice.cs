using System.CommandLine;

namespace NetPolGovernance.Cli.Commands;

/// <summary>Option values from a fixed set, matched case-insensitively, listed in help as <c>a|b|c</c>.</summary>
internal static class CliChoice
{
    public static Option<string> Create(string name, string description, IReadOnlyList<string> choices, string? defaultValue, params string[] aliases)
    {
        var option = new Option<string>(name, aliases)
        {
            Description = description,
            HelpName = string.Join('|', choices),
        };
        option.CompletionSources.Add([.. choices]);
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !choices.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"'{value}' is not a valid value for {name}; use one of: {string.Join(", ", choices)}.");
            }
        });
        return option;
    }
}
