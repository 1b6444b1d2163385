using System.Text.Json;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// One document of a manifest file, converted to JSON. <see cref="Line"/> is where it starts (1-based).
/// <see cref="ChildLines"/> holds the start lines of the elements of the root list, or of <c>items</c> when the
/// root is a mapping (a <c>kind: List</c> or <c>kubectl get -o yaml/json</c> output); empty otherwise.
/// </summary>
internal sealed record ManifestDocument(JsonElement Root, int Line, IReadOnlyList<int> ChildLines);
