namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>
/// A Kubernetes object has a field of the wrong shape (for example <c>metadata.labels</c> given as a list).
/// <see cref="FieldPath"/> names the field; the caller adds the file and line.
/// </summary>
public sealed class KubernetesObjectFormatException : Exception
{
    public KubernetesObjectFormatException()
    {
    }

    public KubernetesObjectFormatException(string message)
        : base(message)
    {
    }

    public KubernetesObjectFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KubernetesObjectFormatException(string fieldPath, string message)
        : base($"{fieldPath}: {message}")
    {
        FieldPath = fieldPath;
    }

    /// <summary>The dotted path of the offending field, e.g. <c>spec.ingress[0].ports[1].port</c>.</summary>
    public string? FieldPath { get; }
}
