namespace NetPolGovernance.Bench;

/// <summary>A benchmark the entry point can run: full size by default, a tiny size with <c>--smoke</c>. Prints a table.</summary>
internal interface IBenchmark
{
    /// <summary>The name <c>--only NAME</c> selects.</summary>
    string Name { get; }

    Task RunAsync(bool smoke, TextWriter output, CancellationToken cancellationToken);
}
