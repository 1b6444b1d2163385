using System.Globalization;

namespace NetPolGovernance.Connectors;

/// <summary>
/// The allowed values of one option, owned by its options type so that every host (CLI flag, Functions setting,
/// library caller) checks the same bounds and says them the same way.
/// </summary>
public sealed record ValueRange<T>(T Min, T Max)
    where T : IComparable<T>
{
    public bool Contains(T value) => value.CompareTo(Min) >= 0 && value.CompareTo(Max) <= 0;

    /// <summary><c>between 1 and 256</c>; durations as <c>hh:mm:ss</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"between {Format(Min)} and {Format(Max)}");

    private static string Format(T value) => value switch
    {
        TimeSpan time => time.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>An option value outside its <see cref="ValueRange{T}"/>, named as the options type names it.</summary>
public sealed class OptionOutOfRangeException : ArgumentOutOfRangeException
{
    public OptionOutOfRangeException()
    {
    }

    public OptionOutOfRangeException(string message)
        : base(message)
    {
    }

    public OptionOutOfRangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OptionOutOfRangeException(string option, object value, string range)
        : base(option, value, $"{option} must be {range}.")
    {
    }

    /// <summary>Throws unless <paramref name="range"/> contains <paramref name="value"/>.</summary>
    public static void ThrowIfOutside<T>(ValueRange<T> range, T value, string option)
        where T : IComparable<T>
    {
        ArgumentNullException.ThrowIfNull(range);
        if (!range.Contains(value))
        {
            throw new OptionOutOfRangeException(option, value!, range.ToString());
        }
    }
}
