using System.Globalization;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Input that cannot be read (manifests, exemptions): a missing path, malformed YAML or JSON, or a field of the wrong shape.
/// The message names the file and, when known, the line (1-based) and column.
/// </summary>
public sealed class InputFileException : Exception
{
    public InputFileException()
    {
    }

    public InputFileException(string message)
        : base(message)
    {
    }

    public InputFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InputFileException(string file, int? line, int? column, string problem, Exception? innerException = null)
        : base(Format(file, line, column, problem), innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
    }

    public string? File { get; }

    public int? Line { get; }

    public int? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string? Problem { get; }

    private static string Format(string file, int? line, int? column, string problem)
    {
        var where = file;
        if (line is { } l)
        {
            where += ":" + l.ToString(CultureInfo.InvariantCulture);
            if (column is { } c)
            {
                where += ":" + c.ToString(CultureInfo.InvariantCulture);
            }
        }

        return $"{where}: {problem}";
    }
}
