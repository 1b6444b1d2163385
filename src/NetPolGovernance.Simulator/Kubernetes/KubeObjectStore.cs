using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// The objects of one virtual cluster, per resource, ordered by namespace then name (the order the real API
/// server lists in). Thread-safe. A store that is never written after setup can be shared by many virtual
/// clusters (the fleet simulator does this to keep memory flat).
/// </summary>
internal sealed class KubeObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ApiResource, SortedDictionary<(string Namespace, string Name), StoredObject>> _objects = [];
    private readonly Dictionary<ApiResource, StoredObject[]> _snapshots = [];
    private readonly string _uidSeed;
    private long _resourceVersion = 1000;

    public KubeObjectStore(string uidSeed = "loopback")
    {
        _uidSeed = uidSeed;
    }

    /// <summary>The store's current resourceVersion (bumped by every write).</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Adds (or replaces) wire objects. Each needs <c>apiVersion</c>, <c>kind</c> and <c>metadata.name</c>.</summary>
    public void AddRange(IEnumerable<JsonObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var obj in objects)
        {
            Add(obj);
        }
    }

    /// <summary>Adds (or replaces) one wire object and returns it as stored.</summary>
    public StoredObject Add(JsonObject obj)
    {
        lock (_gate)
        {
            var stored = StoredObject.Create(obj, ++_resourceVersion, _uidSeed);
            Put(stored);
            return stored;
        }
    }

    /// <summary>Creates an object of a known resource; false when one with the same namespace and name exists.</summary>
    public bool TryCreate(ApiResource resource, JsonObject obj, bool dryRun, out StoredObject stored)
    {
        lock (_gate)
        {
            stored = StoredObject.Create(resource, obj, _resourceVersion + 1, _uidSeed);
            if (Find(resource, stored.Namespace, stored.Name) is not null)
            {
                return false;
            }

            if (!dryRun)
            {
                _resourceVersion++;
                Put(stored);
            }

            return true;
        }
    }

    public StoredObject? Find(ApiResource resource, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(resource, out var map) && map.TryGetValue((ns ?? string.Empty, name), out var found) ? found : null;
        }
    }

    /// <summary>Removes one object; true when it existed.</summary>
    public bool Remove(ApiResource resource, string? ns, string name, bool dryRun)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(resource, out var map) || !map.ContainsKey((ns ?? string.Empty, name)))
            {
                return false;
            }

            if (!dryRun)
            {
                map.Remove((ns ?? string.Empty, name));
                _snapshots.Remove(resource);
                _resourceVersion++;
            }

            return true;
        }
    }

    /// <summary>All objects of a resource, ordered by namespace then name. The array is a snapshot; do not modify it.</summary>
    public StoredObject[] List(ApiResource resource)
    {
        lock (_gate)
        {
            if (_snapshots.TryGetValue(resource, out var cached))
            {
                return cached;
            }

            var snapshot = _objects.TryGetValue(resource, out var map) ? [.. map.Values] : Array.Empty<StoredObject>();
            _snapshots[resource] = snapshot;
            return snapshot;
        }
    }

    /// <summary>The API groups that hold at least one object.</summary>
    public IReadOnlySet<string> GroupsWithObjects()
    {
        lock (_gate)
        {
            return _objects.Where(pair => pair.Value.Count > 0).Select(pair => pair.Key.Group).ToHashSet(StringComparer.Ordinal);
        }
    }

    private void Put(StoredObject stored)
    {
        if (!_objects.TryGetValue(stored.Resource, out var map))
        {
            map = new SortedDictionary<(string, string), StoredObject>(NamespaceNameComparer.Instance);
            _objects[stored.Resource] = map;
        }

        map[(stored.Namespace ?? string.Empty, stored.Name)] = stored;
        _snapshots.Remove(stored.Resource);
    }

    private sealed class NamespaceNameComparer : IComparer<(string Namespace, string Name)>
    {
        public static NamespaceNameComparer Instance { get; } = new();

        public int Compare((string Namespace, string Name) x, (string Namespace, string Name) y)
        {
            var byNamespace = string.CompareOrdinal(x.Namespace, y.Namespace);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(x.Name, y.Name);
        }
    }
}
