namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Bounds on what one input file (a manifest or a kubeconfig) may cost to read. Exceeding one is an
/// <see cref="InputFileException"/> naming the file, and the line where it is known; nothing is read past the bound.
/// The defaults fit every real Kubernetes object (the API server refuses an object over 1.5 MiB) and
/// <c>kubectl get -o yaml</c> output of tens of thousands of objects (docs/security.md, "Input files").
/// </summary>
public sealed record ManifestLimits
{
    /// <summary>The defaults: 256 MiB per file, 128 levels, 16 MiB per scalar, 16 MiB of alias expansion.</summary>
    public static ManifestLimits Default { get; } = new();

    /// <summary>Bytes read from one file; a larger file (or an endless one) is refused when the bound is reached.</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Nesting of mappings and sequences (JSON objects and arrays), counting aliases as expanded.</summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>Characters of one scalar (YAML) or bytes of one string (JSON), keys included.</summary>
    public int MaxScalarLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// What aliases (<c>*name</c>, and merge keys <c>&lt;&lt;: *name</c>) may add to one file once expanded, in bytes
    /// of the JSON they stand for. Charged when the alias is read, before anything is copied, so an alias bomb fails
    /// at its first alias over the bound.
    /// </summary>
    public long MaxAliasExpansionBytes { get; init; } = 16L * 1024 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxScalarLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAliasExpansionBytes, 0);
    }
}
