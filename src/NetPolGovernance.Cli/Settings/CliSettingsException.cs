namespace NetPolGovernance.Cli.Settings;

/// <summary>A configuration file or environment variable the CLI cannot use; the message names it (exit 1).</summary>
internal sealed class CliSettingsException : Exception
{
    public CliSettingsException(string message)
        : base(message)
    {
    }

    public CliSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliSettingsException()
    {
    }
}
