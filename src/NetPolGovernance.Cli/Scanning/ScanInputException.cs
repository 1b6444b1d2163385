namespace NetPolGovernance.Cli.Scanning;

/// <summary>Bad input found before scanning (a missing path, a malformed file, conflicting options): exit code 1.</summary>
internal sealed class ScanInputException : Exception
{
    public ScanInputException()
    {
    }

    public ScanInputException(string message)
        : base(message)
    {
    }

    public ScanInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
