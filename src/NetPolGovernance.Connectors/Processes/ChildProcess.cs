using System.Diagnostics;

namespace NetPolGovernance.Connectors.Processes;

/// <summary>
/// The pieces every child process the connectors start shares (the exec credential plugin, <c>kubectl kustomize</c>):
/// standard output read with a size cap, and a kill that takes the process tree with it.
/// </summary>
internal static class ChildProcess
{
    /// <summary>
    /// Reads <paramref name="stream"/> to its end; more than <paramref name="maxBytes"/> throws an
    /// <see cref="InvalidDataException"/> with <paramref name="tooLarge"/> as its message.
    /// </summary>
    public static async Task<byte[]> ReadCappedAsync(Stream stream, long maxBytes, string tooLarge, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException(tooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Kills the process and its children; nothing happens when it has already exited.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
    }
}
