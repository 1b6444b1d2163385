using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// A read-only label view without copying: pod labels, plus a few fixed synthetic labels, plus the namespace labels
/// under a key prefix (Cilium's <c>io.cilium.k8s.namespace.labels.</c>, Calico's <c>pcns.</c>). Synthetic labels win,
/// then pod labels, then prefixed namespace labels.
/// </summary>
internal sealed class LabelOverlay(
    IReadOnlyDictionary<string, string> podLabels,
    IReadOnlyList<KeyValuePair<string, string>> synthetic,
    string namespacePrefix,
    IReadOnlyDictionary<string, string> namespaceLabels) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(kv => kv.Key);

    public IEnumerable<string> Values => this.Select(kv => kv.Value);

    public int Count
    {
        get
        {
            var count = 0;
            using var enumerator = GetEnumerator();
            while (enumerator.MoveNext())
            {
                count++;
            }

            return count;
        }
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (var i = 0; i < synthetic.Count; i++)
        {
            if (string.Equals(synthetic[i].Key, key, StringComparison.Ordinal))
            {
                value = synthetic[i].Value;
                return true;
            }
        }

        if (podLabels.TryGetValue(key, out value))
        {
            return true;
        }

        if (key.StartsWith(namespacePrefix, StringComparison.Ordinal))
        {
            return namespaceLabels.TryGetValue(key[namespacePrefix.Length..], out value);
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in synthetic)
        {
            if (seen.Add(pair.Key))
            {
                yield return pair;
            }
        }

        foreach (var pair in podLabels)
        {
            if (seen.Add(pair.Key))
            {
                yield return pair;
            }
        }

        foreach (var (key, value) in namespaceLabels)
        {
            if (seen.Add(namespacePrefix + key))
            {
                yield return new KeyValuePair<string, string>(namespacePrefix + key, value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
