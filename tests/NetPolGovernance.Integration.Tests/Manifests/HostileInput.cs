using System.Diagnostics;

namespace NetPolGovernance.Integration.Tests.Manifests;

/// <summary>File system objects the runtime cannot make.</summary>
internal static class HostileInput
{
    /// <summary>Makes a FIFO with <c>mkfifo</c> (the runtime has no API for it).</summary>
    public static void MakeFifo(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
