using System.Text.Json;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// Objects a virtual cluster generates on demand instead of storing them (the fleet simulator's 25,000-pod
/// clusters): an unfiltered list is paged straight from the generator, so serving a page costs one page of memory.
/// </summary>
internal interface IGeneratedObjects
{
    /// <summary>The generated list of <paramref name="resource"/>, or null when the resource is served from the store.</summary>
    IGeneratedList? List(ApiResource resource);
}

/// <summary>A generated list, in the API server's order (namespace, then name).</summary>
internal interface IGeneratedList
{
    int Count { get; }

    /// <summary>Writes items <c>[offset, offset + count)</c> into the list's <c>items</c> array.</summary>
    void WriteItems(Utf8JsonWriter writer, int offset, int count, bool metadataOnly);

    /// <summary>Every item as a stored object (used when a list is filtered by namespace or selector).</summary>
    StoredObject[] Materialize();
}
