using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Testing.Storage;

namespace NetPolGovernance.Integration.Tests.Diff;

/// <summary>
/// docs/gitops.md's pipelines run what they say: every <c>netpolgov</c> command line in its YAML blocks, as written, on
/// the pair in samples/diff (<c>BASE</c> and <c>HEAD_DIR</c> set as the page says), through the real parser.
/// </summary>
public sealed partial class GitOpsDocumentationTests
{
    /// <summary>Each command line with where it stands (block and line), so the two pipelines' identical lines stay two cases.</summary>
    public static TheoryData<string, string> CommandLines()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "gitops.md"));
        var lines = new TheoryData<string, string>();
        var blockNumber = 0;
        foreach (Match block in YamlBlock().Matches(page))
        {
            blockNumber++;
            var lineNumber = 0;
            foreach (var line in block.Groups[1].Value.Split('\n'))
            {
                lineNumber++;
                if (line.TrimStart().StartsWith("netpolgov ", StringComparison.Ordinal))
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"yaml block {blockNumber}, line {lineNumber}"), line.Trim());
                }
            }
        }

        return lines;
    }

    [Fact]
    public void Page_HasTheCommandsOfBothPipelines()
    {
        // Two pipelines, each with a Markdown and a SARIF diff.
        Assert.Equal(4, CommandLines().Count);
    }

    [Theory]
    [MemberData(nameof(CommandLines))]
    public async Task CommandLine_OnTheSamplePair_WritesItsFormatAndFailsTheGate(string where, string line)
    {
        // Arrange: the shell words before the redirection, with the page's variables set to the sample pair.
        var words = ShellWord().Matches(line.Split(" > ", 2)[0]).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToList();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["$BASE"] = CliHarness.SamplesPath("diff", "base"),
            ["$HEAD_DIR"] = CliHarness.SamplesPath("diff", "head"),
        };
        var args = words.Skip(1).Select(w => variables.GetValueOrDefault(w, w)).ToArray();
        Assert.True(args.All(a => !a.StartsWith('$')), $"{where}: a variable the test does not set");
        using var cli = new CliHarness();

        // Act
        var exit = await cli.RunAsync(args);

        // Assert
        Assert.Equal(2, exit);
        var format = args[Array.IndexOf(args, "--format") + 1];
        if (format == "sarif")
        {
            using var sarif = JsonDocument.Parse(cli.RawStandardOutput);
            Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
            Assert.NotEmpty(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
        }
        else
        {
            Assert.Equal("markdown", format);
            Assert.Contains("**1 opened**", cli.RawStandardOutput, StringComparison.Ordinal);
            Assert.Contains(":warning:", cli.RawStandardOutput, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex("\"([^\"]*)\"|[^\\s\"]+")]
    private static partial Regex ShellWord();
}
