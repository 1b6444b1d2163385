namespace NetPolGovernance.Connectors.Output;

/// <summary>
/// The one place a file name that comes from data (a namespace, a stream name) is turned into a path: the result
/// is always inside the output root. A name that is empty, absolute, contains a directory separator, <c>..</c>, a NUL
/// or another control character is refused with <see cref="UnsafeOutputPathException"/> before anything is written,
/// and the combined path is checked again after normalisation (so no spelling of the name escapes the root).
/// Every file the CLI writes under a folder it was given goes through here: remediation YAML and the impact
/// preview, dead letters of <c>--publish</c>, and the report file of <c>-o</c>.
/// </summary>
public static class SafeOutputPath
{
    /// <summary>
    /// <paramref name="root"/>/<paramref name="relative"/>, where <paramref name="relative"/> is one file name or
    /// several segments separated by <c>/</c>. Throws <see cref="UnsafeOutputPathException"/> when a segment is unsafe
    /// or the result would not be strictly inside <paramref name="root"/>.
    /// </summary>
    public static string Combine(string root, string relative)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(relative);
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var segments = relative.Split('/');
        foreach (var segment in segments)
        {
            CheckSegment(segment, relative);
        }

        var combined = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        var prefix = fullRoot + Path.DirectorySeparatorChar;
        if (!combined.StartsWith(prefix, StringComparison.Ordinal) || combined.Length == prefix.Length)
        {
            throw new UnsafeOutputPathException($"'{Printable(relative)}' would be written outside {fullRoot}; refusing to write it");
        }

        return combined;
    }

    /// <summary>
    /// Checks a file path given on the command line (<c>-o FILE</c>) before it is created: not empty, no control
    /// characters, not an existing directory. Returns the full path.
    /// </summary>
    public static string ForFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsControl))
        {
            throw new UnsafeOutputPathException($"'{Printable(path)}' is not a usable file name");
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UnsafeOutputPathException($"{full} is a directory; give a file name");
        }

        return full;
    }

    private static void CheckSegment(string segment, string whole)
    {
        if (segment.Length == 0 || segment is "." or ".."
            || segment.IndexOfAny(['/', '\\']) >= 0
            || segment.Any(char.IsControl)
            || segment.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || Path.IsPathRooted(segment))
        {
            throw new UnsafeOutputPathException($"'{Printable(whole)}' is not a safe file name (no directory separators, '..', absolute paths or control characters); refusing to write it");
        }
    }

    private static string Printable(string value) => TerminalText.Escape(value);
}

/// <summary>A file name derived from data, or given for output, would land outside its folder or is not a file name.</summary>
public sealed class UnsafeOutputPathException : IOException
{
    public UnsafeOutputPathException()
    {
    }

    public UnsafeOutputPathException(string message)
        : base(message)
    {
    }

    public UnsafeOutputPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
