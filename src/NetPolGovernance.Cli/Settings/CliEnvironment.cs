namespace NetPolGovernance.Cli.Settings;

/// <summary>
/// What the CLI reads of its process besides the command line: environment variables and the working directory
/// (where <c>netpolgov.yaml</c> and <c>.netpolgov-exemptions.yaml</c> are looked for). Tests give their own.
/// </summary>
internal sealed record CliEnvironment(Func<string, string?> Variable, string WorkingDirectory)
{
    public static CliEnvironment FromProcess() => new(Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
}
