namespace NetPolGovernance.Testing.Storage;

/// <summary>Finds files of this repository from a test's output folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>NetPolGovernance.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetPolGovernance.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No NetPolGovernance.sln above {AppContext.BaseDirectory}.");
    }
}
