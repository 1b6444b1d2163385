using System.Text;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Connectors.Kubernetes.Kubeconfig;

/// <summary>
/// A loaded kubeconfig (one file, or several merged like kubectl does for <c>KUBECONFIG=a:b</c>: the first
/// definition of a name wins, the first <c>current-context</c> wins). Knows its contexts and builds a
/// KubernetesClient configuration per context; token, exec and client-certificate users work as KubernetesClient
/// supports them. Never exposes credentials.
/// </summary>
public sealed class KubeconfigFile
{
    private const string PendingExecToken = "netpolgov-exec-credential-pending";

    private readonly K8SConfiguration _configuration;

    private KubeconfigFile(IReadOnlyList<string> paths, K8SConfiguration configuration)
    {
        Paths = paths;
        _configuration = configuration;
        ContextNames = (configuration.Contexts ?? []).Select(c => c.Name).Where(n => !string.IsNullOrEmpty(n)).ToList();
        CurrentContext = string.IsNullOrEmpty(configuration.CurrentContext) ? null : configuration.CurrentContext;
    }

    public IReadOnlyList<string> Paths { get; }

    public IReadOnlyList<string> ContextNames { get; }

    public string? CurrentContext { get; }

    /// <summary>
    /// The one way every command loads a kubeconfig (<c>scan --kubeconfig</c>, <c>remediate --apply</c>), choosing the
    /// files as kubectl does: <paramref name="explicitPath"/> when given (it must exist); else the entries of the
    /// <c>KUBECONFIG</c> list of <paramref name="environment"/> (split on the path separator, merged first-wins, entries
    /// that do not exist skipped); else <c>~/.kube/config</c>.
    /// </summary>
    public static Task<KubeconfigFile> LoadAsync(string? explicitPath, KubeconfigEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return LoadAsync([explicitPath], cancellationToken);
        }

        if (environment.KubeconfigVariable is { } list && !string.IsNullOrWhiteSpace(list))
        {
            var existing = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(File.Exists).ToList();
            return existing.Count > 0
                ? LoadAsync(existing, cancellationToken)
                : throw new KubeconfigException($"KUBECONFIG={list}: none of its files exists");
        }

        return LoadAsync([Path.Combine(environment.HomeDirectory ?? string.Empty, ".kube", "config")], cancellationToken);
    }

    /// <summary>Loads and merges the files. Throws <see cref="KubeconfigException"/> naming the file when one is missing or malformed.</summary>
    public static async Task<KubeconfigFile> LoadAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new KubeconfigException("no kubeconfig file was given");
        }

        K8SConfiguration? merged = null;
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var probe = FileProbe.Probe(path);
            if (probe.Kind is FileKind.Missing || probe.Kind is FileKind.Directory)
            {
                throw new KubeconfigException(probe.Kind is FileKind.Missing ? $"kubeconfig {path}: file not found" : $"kubeconfig {path}: is a folder, not a file");
            }

            if (probe.Kind is not (FileKind.Regular or FileKind.Fifo))
            {
                throw new KubeconfigException($"kubeconfig {path}: is {probe.Describe()}, not a regular file");
            }

            var loaded = await ReadBoundedAsync(path, ManifestLimits.Default, cancellationToken).ConfigureAwait(false);
            merged = merged is null ? loaded : Merge(merged, loaded);
        }

        return new KubeconfigFile(paths, merged!);
    }

    /// <summary>
    /// Reads one kubeconfig within the same bounds as manifests (<see cref="ManifestLimits"/>: file size, nesting,
    /// scalar length, alias expansion) and without YamlDotNet's limit of 100,000 parse events, so a kubeconfig of
    /// tens of thousands of contexts loads: the YAML is converted once by <see cref="YamlManifestParser"/> (aliases and
    /// merge keys resolved, bounded) and the JSON it yields, which is YAML too, is deserialized into the
    /// KubernetesClient model. Relative certificate and key paths stay relative to the file, as KubernetesClient
    /// does when it loads the file itself.
    /// </summary>
    private static async Task<K8SConfiguration> ReadBoundedAsync(string path, ManifestLimits limits, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            var content = await BoundedFileReader.ReadAsync(path, limits.MaxFileBytes, cancellationToken).ConfigureAwait(false);
            ReadOnlyMemory<byte> text = content.AsSpan().StartsWith("\uFEFF"u8) ? content.AsMemory(3) : content;
            BoundedFileReader.RequireUtf8(text.Span, path);
            var document = YamlManifestParser.Parse(text, path, limits).FirstOrDefault();
            json = document is null ? "{}" : document.Root.GetRawText();
        }
        catch (InputFileException ex)
        {
            throw new KubeconfigException($"kubeconfig {ex.Message}", ex);
        }

        K8SConfiguration? configuration;
        try
        {
            using var reader = new StringReader(json);
            configuration = s_deserializer.Deserialize<K8SConfiguration?>(new YamlDotNet.Core.Parser(reader));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            var message = (ex.InnerException ?? ex).Message;
            var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
            throw new KubeconfigException($"kubeconfig {path}: cannot be read: a field does not have the type a kubeconfig gives it ({(cut >= 0 ? message[(cut + 3)..] : message)})", ex);
        }

        configuration ??= new K8SConfiguration();
        configuration.FileName = Path.GetFullPath(path);
        return configuration;
    }

    private static readonly IDeserializer s_deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    /// <summary>
    /// The contexts to scan: all of them, the named ones (in the order given, each once), or the current context.
    /// Throws <see cref="KubeconfigException"/> for an unknown name or when nothing is selected.
    /// </summary>
    public IReadOnlyList<string> SelectContexts(IReadOnlyCollection<string> requested, bool allContexts)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (allContexts)
        {
            return ContextNames.Count > 0 ? ContextNames : throw new KubeconfigException($"kubeconfig {Describe()}: has no contexts");
        }

        if (requested.Count > 0)
        {
            var unknown = requested.Where(name => !ContextNames.Contains(name, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                throw new KubeconfigException(
                    $"kubeconfig {Describe()}: no context named {string.Join(", ", unknown.Select(n => $"'{n}'"))}; known contexts: {string.Join(", ", ContextNames)}");
            }

            return requested.Distinct(StringComparer.Ordinal).ToList();
        }

        if (CurrentContext is null)
        {
            throw new KubeconfigException($"kubeconfig {Describe()}: has no current-context; name one with --context or use --all-contexts");
        }

        return ContextNames.Contains(CurrentContext, StringComparer.Ordinal)
            ? [CurrentContext]
            : throw new KubeconfigException($"kubeconfig {Describe()}: current-context '{CurrentContext}' is not defined");
    }

    /// <summary>How exec credential plugins are treated (<c>--no-exec-plugins</c> refuses them); set before building configurations.</summary>
    public ExecPluginOptions ExecPlugins { get; set; } = ExecPluginOptions.Default;

    /// <summary>
    /// The client configuration of one context, in this order: the context's server and TLS settings are checked by
    /// <see cref="ClusterTransportPolicy"/> (a refusal throws <see cref="ClusterTransportException"/> before any
    /// credential is produced); then, when the user has an exec plugin, it is refused
    /// (<see cref="ExecPluginOptions.Allowed"/> false) or run once (<see cref="ExecCredentialPlugin"/>) and its
    /// credential put in the configuration, so KubernetesClient never runs it (it would otherwise run it twice: once while
    /// building the configuration and again for the first request, because its token provider starts with an empty
    /// cache). One call, one run.
    /// Throws <see cref="KubeConfigException"/> when the context's cluster or user cannot be used and
    /// <see cref="ExecPluginException"/> when the plugin is refused or fails.
    /// </summary>
    public async Task<KubernetesClientConfiguration> BuildConfigurationAsync(string context, CancellationToken cancellationToken)
    {
        var exec = ExecOf(context);
        var configuration = await Task.Run(
            () => KubernetesClientConfiguration.BuildConfigFromConfigObject(exec is null ? _configuration : WithoutExec(_configuration, context), context),
            cancellationToken).ConfigureAwait(false);
        ClusterTransportPolicy.Enforce(configuration);
        if (exec is null)
        {
            return configuration;
        }

        if (!ExecPlugins.Allowed)
        {
            throw new ExecPluginException(
                $"credentials: context '{context}' authenticates with an exec credential plugin ('{TerminalText.Escape(exec.Command)}'); --no-exec-plugins refuses to run it");
        }

        var credential = await ExecCredentialPlugin.RunAsync(context, exec, ExecPlugins.Timeout, cancellationToken).ConfigureAwait(false);
        if (credential.Token is { } token)
        {
            configuration.AccessToken = token;
        }
        else
        {
            if (configuration.AccessToken == PendingExecToken)
            {
                configuration.AccessToken = null;
            }

            configuration.ClientCertificateData = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.ClientCertificatePem!));
            configuration.ClientCertificateKeyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.ClientKeyPem!));
        }

        return configuration;
    }

    /// <summary>
    /// A client for one named context, through <see cref="BuildConfigurationAsync"/> (same transport rule, same exec
    /// handling). Throws <see cref="KubeconfigException"/> naming the files and the context when the context is not
    /// defined, its transport is refused, or its cluster, user or plugin cannot be used.
    /// </summary>
    public async Task<KubernetesClientConfiguration> BuildConfigurationForAsync(string context, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        var selected = SelectContexts([context], allContexts: false)[0];
        try
        {
            return await BuildConfigurationAsync(selected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubeConfigException or ClusterTransportException or ExecPluginException)
        {
            throw new KubeconfigException($"kubeconfig {Describe()}, context {context}: {ex.Message}", ex);
        }
    }

    private ExternalExecution? ExecOf(string context)
    {
        var details = _configuration.Contexts?.FirstOrDefault(c => c.Name == context)?.ContextDetails;
        var user = details?.User is { } userName ? _configuration.Users?.FirstOrDefault(u => u.Name == userName) : null;
        return user?.UserCredentials?.ExternalExecution;
    }

    // The configuration with the context's user stripped of its exec section, so building it runs nothing.
    private static K8SConfiguration WithoutExec(K8SConfiguration configuration, string context)
    {
        var userName = configuration.Contexts!.First(c => c.Name == context).ContextDetails!.User;
        var users = configuration.Users!.Select(u => u.Name != userName || u.UserCredentials is null ? u : new User
        {
            Name = u.Name,
            UserCredentials = new UserCredentials
            {
                AuthProvider = u.UserCredentials.AuthProvider,
                ClientCertificate = u.UserCredentials.ClientCertificate,
                ClientCertificateData = u.UserCredentials.ClientCertificateData,
                ClientKey = u.UserCredentials.ClientKey,
                ClientKeyData = u.UserCredentials.ClientKeyData,
                Extensions = u.UserCredentials.Extensions,
                Impersonate = u.UserCredentials.Impersonate,
                ImpersonateGroups = u.UserCredentials.ImpersonateGroups,
                ImpersonateUserExtra = u.UserCredentials.ImpersonateUserExtra,
                Password = u.UserCredentials.Password,
                // KubernetesClient refuses a user without credentials; this stands in until the plugin's credential
                // replaces it, and is never sent (the transport check and the plugin come first).
                Token = u.UserCredentials.Token ?? PendingExecToken,
                UserName = u.UserCredentials.UserName,
                ExternalExecution = null,
            },
        }).ToList();
        return new K8SConfiguration
        {
            ApiVersion = configuration.ApiVersion,
            Kind = configuration.Kind,
            CurrentContext = configuration.CurrentContext,
            Preferences = configuration.Preferences,
            Extensions = configuration.Extensions,
            FileName = configuration.FileName,
            Contexts = configuration.Contexts,
            Clusters = configuration.Clusters,
            Users = users,
        };
    }

    private string Describe() => string.Join(Path.PathSeparator, Paths);

    private static K8SConfiguration Merge(K8SConfiguration first, K8SConfiguration second) => new()
    {
        ApiVersion = first.ApiVersion,
        Kind = first.Kind,
        CurrentContext = string.IsNullOrEmpty(first.CurrentContext) ? second.CurrentContext : first.CurrentContext,
        Preferences = first.Preferences,
        Extensions = first.Extensions,
        FileName = first.FileName,
        Contexts = Union(first.Contexts, second.Contexts, c => c.Name),
        Clusters = Union(first.Clusters, second.Clusters, c => c.Name),
        Users = Union(first.Users, second.Users, u => u.Name),
    };

    private static List<T> Union<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
    {
        var result = (first ?? []).ToList();
        var names = result.Select(name).ToHashSet(StringComparer.Ordinal);
        result.AddRange((second ?? []).Where(item => names.Add(name(item))));
        return result;
    }
}

/// <summary>A kubeconfig could not be read or does not define what was asked for. The message names the file and the problem.</summary>
public sealed class KubeconfigException : Exception
{
    public KubeconfigException()
    {
    }

    public KubeconfigException(string message)
        : base(message)
    {
    }

    public KubeconfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
