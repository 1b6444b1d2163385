using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetPolGovernance.Connectors.Output;
using NetPolGovernance.Connectors.Processes;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Renders a kustomization with the <c>kubectl kustomize DIR</c> built into kubectl, for <c>--kustomize DIR</c>. Only
/// that read-only subcommand ever runs: the program found on <c>PATH</c> with an argument list (no shell), standard
/// input closed, standard output read as the rendered YAML (at most <see cref="ManifestLimits.MaxFileBytes"/>),
/// standard error kept for the message. A run that outlives its timeout, or whose caller is cancelled, is killed with
/// its process tree. Every failure is an <see cref="InputFileException"/> naming the folder.
/// </summary>
public static class KustomizeRenderer
{
    /// <summary>The longest one render may take (remote bases are fetched by kubectl).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    private const int MaxErrorChars = 2000;

    /// <summary>How a rendered kustomization is named in notes, errors and source locations.</summary>
    public static string InputName(string directory) => "kustomize:" + directory.Replace('\\', '/');

    /// <summary>
    /// The output of <c>kubectl kustomize <paramref name="directory"/></c>. <paramref name="searchPath"/> is the
    /// <c>PATH</c> kubectl is looked up in.
    /// </summary>
    /// <exception cref="InputFileException">The folder is missing, kubectl is not on PATH, or the render failed or timed out.</exception>
    public static async Task<RenderedManifests> RenderAsync(string directory, string? searchPath, ManifestLimits limits, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(limits);
        var name = InputName(directory);
        if (!Directory.Exists(directory))
        {
            throw new InputFileException(directory, null, null, File.Exists(directory)
                ? "--kustomize takes the folder that holds the kustomization.yaml, not a file"
                : "--kustomize: no such folder");
        }

        var kubectl = FindOnPath("kubectl", searchPath)
            ?? throw new InputFileException(directory, null, null,
                "--kustomize renders with `kubectl kustomize`, but kubectl was not found on PATH; install kubectl (Debian/Ubuntu: apt-get install kubectl; others: https://kubernetes.io/docs/tasks/tools/) or render the folder yourself (kustomize build DIR > rendered.yaml) and give the file");

        var start = new ProcessStartInfo(kubectl)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("kustomize");
        // A folder whose name starts with '-' must not read as a flag.
        start.ArgumentList.Add(directory.StartsWith('-') ? "./" + directory : directory);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new InputFileException(directory, null, null, $"kubectl ({kubectl}) could not be started: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stderr = ReadErrorAsync(process.StandardError, deadline.Token);
        byte[] output;
        try
        {
            output = await ChildProcess.ReadCappedAsync(
                process.StandardOutput.BaseStream,
                limits.MaxFileBytes,
                string.Create(CultureInfo.InvariantCulture, $"printed more than the limit of {limits.MaxFileBytes:N0} bytes for one input"),
                deadline.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ChildProcess.KillTree(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new InputFileException(directory, null, null, string.Create(
                CultureInfo.InvariantCulture,
                $"kubectl kustomize did not finish within {timeout.TotalSeconds:0.#} s; it was stopped"));
        }
        catch (InvalidDataException ex)
        {
            ChildProcess.KillTree(process);
            throw new InputFileException(directory, null, null, $"kubectl kustomize {ex.Message}", ex);
        }

        var message = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InputFileException(directory, null, null, string.Create(
                CultureInfo.InvariantCulture,
                $"kubectl kustomize failed (exit code {process.ExitCode}){(message.Length > 0 ? ": " + message : string.Empty)}"));
        }

        return new RenderedManifests(name, output);
    }

    /// <summary>The first executable file named <paramref name="program"/> in the folders of <paramref name="searchPath"/>, or null.</summary>
    public static string? FindOnPath(string program, string? searchPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        if (string.IsNullOrEmpty(searchPath))
        {
            return null;
        }

        string[] names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd", program] : [program];
        foreach (var folder in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var candidate in names)
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                {
                    return path;
                }
            }
        }

        return null;
    }

    // What kubectl wrote on stderr, its lines joined, printable and short: it is the reason shown to the user.
    private static async Task<string> ReadErrorAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            var lines = new List<string>();
            var total = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (total < MaxErrorChars && line.Trim() is { Length: > 0 } text)
                {
                    lines.Add(text);
                    total += text.Length;
                }
            }

            var joined = string.Join("; ", lines);
            return TerminalText.Escape(joined.Length > MaxErrorChars ? joined[..MaxErrorChars] + "…" : joined);
        }
        catch (OperationCanceledException)
        {
            return string.Empty;
        }
    }
}
