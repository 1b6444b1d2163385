namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// A small SplitMix64 generator. Unlike <see cref="Random"/> its sequence is fixed by this code, so a seed means the
/// same fleet on every runtime version. Streams are keyed by (seed, cluster index, purpose).
/// </summary>
internal struct DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(int seed, int index, int stream)
    {
        _state = Mix(((ulong)(uint)seed << 32) ^ (uint)index ^ ((ulong)(uint)stream << 48) ^ 0x9E3779B97F4A7C15UL);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => max <= min ? min : min + (int)(Next() % (ulong)(max - min));

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
