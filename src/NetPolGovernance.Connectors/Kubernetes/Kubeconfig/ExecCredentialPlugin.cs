using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s.KubeConfigModels;
using NetPolGovernance.Connectors.Output;
using NetPolGovernance.Connectors.Processes;

namespace NetPolGovernance.Connectors.Kubernetes.Kubeconfig;

/// <summary>How kubeconfig exec credential plugins (<c>users[].user.exec</c>) are treated.</summary>
public sealed record ExecPluginOptions
{
    /// <summary>The longest a plugin may run; kubectl's client waits as long.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The bounds of <see cref="Timeout"/> (<c>--exec-plugin-timeout</c>).</summary>
    public static readonly ValueRange<TimeSpan> TimeoutRange = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30));

    /// <summary>False with <c>--no-exec-plugins</c>: a context whose user has <c>exec</c> is refused, nothing runs.</summary>
    public bool Allowed { get; init; } = true;

    /// <summary>After this the plugin and every process it started are killed and the context is Unknown.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Plugins allowed, two-minute timeout.</summary>
    public static ExecPluginOptions Default { get; } = new();
}

/// <summary>The credential an exec plugin printed (an <c>ExecCredential</c>'s status), with its <c>expirationTimestamp</c> if it gave one.</summary>
internal sealed record ExecCredential(string? Token, string? ClientCertificatePem, string? ClientKeyPem)
{
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>
/// Runs one exec credential plugin the way kubectl does, but strictly: the command with its <c>args</c> (no shell),
/// the environment of netpolgov plus the plugin's <c>env</c> entries plus <c>KUBERNETES_EXEC_INFO</c> (an
/// <c>ExecCredential</c> with <c>spec.interactive: false</c>), standard input closed (never interactive), standard
/// output read as the <c>ExecCredential</c> JSON (at most 1 MiB). A plugin that outlives its timeout, or whose caller
/// is cancelled, is killed together with its whole process tree. Failures throw <see cref="ExecPluginException"/>
/// with a one-line reason that holds no credential.
/// </summary>
internal static class ExecCredentialPlugin
{
    private const int MaxOutputBytes = 1024 * 1024;

    /// <summary>A cached credential is used until this long before its expiry, then the plugin runs again.</summary>
    private static readonly TimeSpan s_expiryMargin = TimeSpan.FromSeconds(30);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExecCredentialCacheEntry> s_cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The credential of <paramref name="context"/>'s plugin: run once per context and plugin definition in this
    /// process and kept while it is valid (no <c>expirationTimestamp</c>: for the process), so a command that reads
    /// and then writes the same context (<c>remediate --apply</c>) runs the plugin once. Concurrent callers wait for
    /// the one run; a failed run is not kept.
    /// </summary>
    public static async Task<ExecCredential> GetAsync(string context, ExternalExecution exec, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exec);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var entry = s_cache.GetOrAdd(CacheKey(context, exec), _ => new ExecCredentialCacheEntry());
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Credential is { } cached && (cached.ExpiresAt is not { } expires || expires - s_expiryMargin > timeProvider.GetUtcNow()))
            {
                return cached;
            }

            entry.Credential = null;
            var credential = await RunAsync(context, exec, timeout, cancellationToken).ConfigureAwait(false);
            entry.Credential = credential;
            return credential;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static string CacheKey(string context, ExternalExecution exec) =>
        string.Join(
            '\0',
            [
                context,
                exec.ApiVersion ?? string.Empty,
                exec.Command ?? string.Empty,
                .. exec.Arguments ?? [],
                "\u0001",
                .. (exec.EnvironmentVariables ?? []).SelectMany(v => v.Select(p => p.Key + "=" + p.Value)),
            ]);

    public static async Task<ExecCredential> RunAsync(string context, ExternalExecution exec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var command = exec.Command;
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ExecPluginException($"credentials: context '{context}': the exec credential plugin has no command");
        }

        var start = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in exec.Arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in exec.EnvironmentVariables ?? [])
        {
            if (variable.TryGetValue("name", out var name) && !string.IsNullOrEmpty(name))
            {
                start.Environment[name] = variable.TryGetValue("value", out var value) ? value : string.Empty;
            }
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = JsonSerializer.Serialize(new ExecInfo(exec.ApiVersion ?? "client.authentication.k8s.io/v1"), ExecInfoContext.Default.ExecInfo);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ExecPluginException($"credentials: context '{context}': the exec credential plugin {Quote(command)} could not be started: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stderr = ReadTailAsync(process.StandardError, deadline.Token);
        byte[] output;
        try
        {
            output = await ChildProcess.ReadCappedAsync(process.StandardOutput.BaseStream, MaxOutputBytes, "printed more than 1 MiB; an ExecCredential is a few kilobytes", deadline.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ChildProcess.KillTree(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ExecPluginException(string.Create(
                CultureInfo.InvariantCulture,
                $"credentials: context '{context}': the exec credential plugin {Quote(command)} did not finish within {timeout.TotalSeconds:0.#} s; it was stopped with its child processes"));
        }
        catch (InvalidDataException ex)
        {
            ChildProcess.KillTree(process);
            throw new ExecPluginException($"credentials: context '{context}': the exec credential plugin {Quote(command)} {ex.Message}", ex);
        }

        var errorTail = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new ExecPluginException(string.Create(
                CultureInfo.InvariantCulture,
                $"credentials: context '{context}': the exec credential plugin {Quote(command)} exited with code {process.ExitCode}{(errorTail.Length > 0 ? ": " + errorTail : string.Empty)}"));
        }

        return Parse(context, command, output);
    }

    private static ExecCredential Parse(string context, string command, byte[] output)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("status", out var status)
                || status.ValueKind != JsonValueKind.Object)
            {
                throw new ExecPluginException($"credentials: context '{context}': the exec credential plugin {Quote(command)} printed no ExecCredential status");
            }

            var credential = new ExecCredential(Text(status, "token"), Text(status, "clientCertificateData"), Text(status, "clientKeyData"))
            {
                ExpiresAt = DateTimeOffset.TryParse(Text(status, "expirationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires) ? expires : null,
            };
            if (credential.Token is null && (credential.ClientCertificatePem is null || credential.ClientKeyPem is null))
            {
                throw new ExecPluginException($"credentials: context '{context}': the exec credential plugin {Quote(command)} printed neither a token nor a client certificate and key");
            }

            return credential;
        }
        catch (JsonException)
        {
            // The message of a JsonException can quote the output, which may be a credential: never pass it on.
            throw new ExecPluginException($"credentials: context '{context}': the exec credential plugin {Quote(command)} printed something that is not an ExecCredential (JSON)");
        }
    }

    private static string? Text(JsonElement status, string name) =>
        status.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    // The last line of what the plugin wrote on stderr (kubectl shows it too), short and printable.
    private static async Task<string> ReadTailAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            var last = string.Empty;
            var total = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                total += line.Length;
                if (line.Trim().Length > 0)
                {
                    last = line.Trim();
                }

                if (total > MaxOutputBytes)
                {
                    break;
                }
            }

            return TerminalText.Escape(last.Length > 200 ? last[..200] + "…" : last);
        }
        catch (OperationCanceledException)
        {
            return string.Empty;
        }
    }

    private static string Quote(string command) => $"'{TerminalText.Escape(command)}'";
}

/// <summary>The <c>KUBERNETES_EXEC_INFO</c> a plugin receives: never interactive.</summary>
internal sealed record ExecInfo(string ApiVersion)
{
    public string Kind { get; init; } = "ExecCredential";

    public ExecInfoSpec Spec { get; init; } = new();
}

internal sealed record ExecInfoSpec
{
    public bool Interactive { get; init; }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ExecInfo))]
internal sealed partial class ExecInfoContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>An exec credential plugin was refused, could not run, timed out or printed no usable credential.</summary>
public sealed class ExecPluginException : Exception
{
    public ExecPluginException()
    {
    }

    public ExecPluginException(string message)
        : base(message)
    {
    }

    public ExecPluginException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>One context's cached plugin credential and the gate that lets one run at a time.</summary>
internal sealed class ExecCredentialCacheEntry : IDisposable
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ExecCredential? Credential { get; set; }

    public void Dispose() => Gate.Dispose();
}
