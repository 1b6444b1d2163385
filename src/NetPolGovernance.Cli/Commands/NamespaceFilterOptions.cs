using System.CommandLine;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Scanning;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>--namespace GLOB</c> and <c>--exclude-namespace GLOB</c>, with one meaning in every command that has them
/// (<c>scan</c>, <c>lint</c>, <c>remediate</c>): names or globs (<c>*</c>, <c>?</c>), repeatable; a namespace is
/// selected when it matches a <c>--namespace</c> (or none is given) and no <c>--exclude-namespace</c>. What a command
/// then does with the selection is in its help (scan judges it, lint lints it, remediate plans it).
/// </summary>
internal sealed class NamespaceFilterOptions
{
    public NamespaceFilterOptions(string includeDescription, string excludeDescription)
    {
        Include = new Option<string[]>("--namespace") { Description = includeDescription, HelpName = "GLOB" };
        Exclude = new Option<string[]>("--exclude-namespace") { Description = excludeDescription, HelpName = "GLOB" };
    }

    public Option<string[]> Include { get; }

    public Option<string[]> Exclude { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Include);
        command.Options.Add(Exclude);
    }

    /// <summary>The filter on the command line; an empty pattern is refused (<see cref="ScanInputException"/>).</summary>
    public NamespaceFilter Filter(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var include = Patterns(parseResult, Include);
        var exclude = Patterns(parseResult, Exclude);
        return include.Count == 0 && exclude.Count == 0 ? NamespaceFilter.All : new NamespaceFilter(include, exclude);
    }

    /// <summary>
    /// The namespaces of <paramref name="candidates"/> the filter selects. When <paramref name="requireMatch"/> is true
    /// (a command about one snapshot), a <c>--namespace</c> pattern that matches none of them is refused, naming it.
    /// </summary>
    public static List<string> Select(NamespaceFilter filter, IEnumerable<string> candidates, bool requireMatch)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(candidates);
        var names = candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (requireMatch)
        {
            var unmatched = filter.Include.Where(p => !names.Any(n => NamespaceFilter.Matches(p, n))).Distinct(StringComparer.Ordinal).ToList();
            if (unmatched.Count > 0)
            {
                throw new ScanInputException(
                    $"--namespace: no namespace in the snapshot matches {string.Join(", ", unmatched)}");
            }
        }

        return [.. names.Where(filter.Selects)];
    }

    private static List<string> Patterns(ParseResult parseResult, Option<string[]> option)
    {
        var values = parseResult.GetValue(option) ?? [];
        if (values.Any(string.IsNullOrWhiteSpace))
        {
            throw new ScanInputException($"{option.Name} must not be empty; give a namespace name or a glob such as team-*");
        }

        return [.. values.Select(v => v.Trim())];
    }
}
