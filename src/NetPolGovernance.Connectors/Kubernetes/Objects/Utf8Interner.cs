namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>
/// Maps UTF-8 byte sequences to one shared value each (strings, label maps), looked up without allocating. One per
/// cluster read: pods of one workload repeat the same namespace, labels and owner, and keep one copy of them.
/// </summary>
internal sealed class Utf8Interner<TValue>
    where TValue : class
{
    private readonly Dictionary<byte[], TValue> _values = new(Utf8KeyComparer.Instance);
    private readonly Dictionary<byte[], TValue>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public Utf8Interner()
    {
        _lookup = _values.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _values.Count;

    /// <summary>
    /// The value already held for <paramref name="utf8"/>, or the one <paramref name="create"/> makes (then held).
    /// Null when <paramref name="create"/> returns null (nothing is held then).
    /// </summary>
    public TValue? GetOrAdd(ReadOnlySpan<byte> utf8, Func<ReadOnlySpan<byte>, TValue?> create)
    {
        if (_lookup.TryGetValue(utf8, out var value))
        {
            return value;
        }

        value = create(utf8);
        if (value is not null)
        {
            _lookup[utf8] = value;
        }

        return value;
    }

    private sealed class Utf8KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static Utf8KeyComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
