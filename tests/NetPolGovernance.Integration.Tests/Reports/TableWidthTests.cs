using System.Text;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Testing.Storage;

namespace NetPolGovernance.Integration.Tests.Reports;

/// <summary>
/// The table report off a terminal: 80 columns unless COLUMNS says otherwise, no padding at line ends, no colour
/// codes; measured through the real process with stdout a pipe.
/// </summary>
public sealed class TableWidthTests
{
    [Fact]
    public async Task Scan_SimulatedFleetInAPipe_NoLineIsWiderThan80Columns()
    {
        var result = await CliProcess.RunAsync(["scan", "--simulated-fleet", "20"]);

        Assert.Equal(3, result.ExitCode); // the simulated fleet has Unknown clusters
        AssertFits(result.StandardOutput, 80);
        Assert.Contains(" Namespace ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(" Severity  Check    Gate  Namespace ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\nresult: ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SamplesInAPipe_NoLineIsWiderThan80ColumnsAndStatusesAreWhole()
    {
        var result = await CliProcess.RunAsync(["scan", "--manifests", Path.Combine(RepositoryPaths.Root, "samples", "manifests")]);

        Assert.Equal(2, result.ExitCode);
        AssertFits(result.StandardOutput, 80);

        // Only the namespace and the finding text may wrap: statuses, counts and check ids stay whole on their row.
        Assert.Matches(@"\n partner-gateway +NonCompliant +1\* +2 in +1/0 +in +-\n", result.StandardOutput);
        Assert.Matches(@"\n High +NPG-N06 +gate +partner-gateway +Allow-all ingress rule", result.StandardOutput);
    }

    [Fact]
    public async Task Scan_LongNamesInAPipe_WrapInsteadOfWidening()
    {
        using var directory = new TempDirectory();
        var ns = "a-very-long-namespace-name-that-goes-on-and-on-for-sixty-three";
        directory.Write(
            "m/a.yaml",
            $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {ns}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n");
        var cluster = "cluster-with-a-name-longer-than-eighty-columns-so-that-a-rule-would-have-to-cut-it";

        var result = await CliProcess.RunAsync(["scan", "--manifests", Path.Combine(directory.Path, "m"), "--cluster-name", cluster]);

        Assert.Equal(2, result.ExitCode);
        AssertFits(result.StandardOutput, 80);
        var flattened = result.StandardOutput.Replace("\n", string.Empty, StringComparison.Ordinal);
        Assert.Contains(cluster, flattened, StringComparison.Ordinal); // wrapped under a bare rule, never cut
        Assert.Contains(" NonCompliant ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ColumnsSetInAPipe_UsesThatWidth()
    {
        var result = await CliProcess.RunAsync(
            ["scan", "--manifests", Path.Combine(RepositoryPaths.Root, "samples", "manifests")],
            new Dictionary<string, string?> { ["COLUMNS"] = "160" });

        AssertFits(result.StandardOutput, 160);
        Assert.Contains(Lines(result.StandardOutput), line => line.Length > 80);
        Assert.Matches(@"\n High +NPG-N06 +gate +partner-gateway +Allow-all ingress rule in allow-everything-temporarily: it voids ingress isolation of the pods it selects\.\n", result.StandardOutput);
    }

    [Fact]
    public async Task Scan_TableToFile_FitsTheSameWidth()
    {
        using var directory = new TempDirectory();
        var report = Path.Combine(directory.Path, "report.txt");

        var result = await CliProcess.RunAsync(["scan", "--manifests", Path.Combine(RepositoryPaths.Root, "samples", "manifests"), "-o", report]);

        Assert.Equal(2, result.ExitCode);
        AssertFits(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken), 80);
    }

    [Theory]
    [InlineData(null, 80)]
    [InlineData("", 80)]
    [InlineData("132", 132)]
    [InlineData("20", 80)] // too narrow for a table: the default
    [InlineData("wide", 80)]
    [InlineData("-100", 80)]
    [InlineData("100000", 1000)]
    public void ForRedirectedOutput_ReadsColumns(string? columns, int expected) =>
        Assert.Equal(expected, ReportWidth.ForRedirectedOutput(columns));

    [Fact]
    public void TrimmingWriter_DropsSpacesAtLineEndsOnly()
    {
        var inner = new StringBuilder();
        using (var writer = new TrailingSpaceTrimmingWriter(new StringWriter(inner)))
        {
            writer.Write(" a  b   ");
            writer.Write("   \n");
            writer.Write(' ');
            writer.Write("c \r\n   ");
            writer.Write(['d', ' ', ' '], 0, 3);
            writer.Write("e");
            writer.WriteLine("  ");
        }

        Assert.Equal($" a  b\n c\r\n   d  e{Environment.NewLine}", inner.ToString());
    }

    private static void AssertFits(string text, int width)
    {
        var lines = Lines(text);
        Assert.True(lines.Count > 10, $"only {lines.Count} lines");
        foreach (var line in lines)
        {
            Assert.True(line.Length <= width, $"{line.Length} columns: {line}");
            Assert.False(line.EndsWith(' '), $"trailing spaces: '{line}'");
            Assert.DoesNotContain('\u001b', line);
        }
    }

    private static List<string> Lines(string text) => [.. text.Split('\n')];
}
