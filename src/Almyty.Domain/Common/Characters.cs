namespace Almyty.Domain.Common;

/// <summary>
/// Text lengths as the contract counts them: in characters (Unicode code points), so an emoji is one character and
/// not the two UTF-16 units of <see cref="string.Length"/>. PostgreSQL's <c>varchar(n)</c> counts the same way.
/// </summary>
public static class Characters
{
    /// <summary>
    /// A control character as the contract counts them: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F), which
    /// <see cref="char.IsControl(char)"/> covers, and the line and paragraph separators U+2028 and U+2029, which break a
    /// line as a line feed does although Unicode files them as separators.
    /// </summary>
    public static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>Whether <paramref name="value"/> holds a character that <see cref="IsControl(char)"/> refuses.</summary>
    public static bool HasControl(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Any(IsControl);
    }

    public static int Count(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var count = value.Length;
        for (var i = 1; i < value.Length; i++)
        {
            if (char.IsSurrogatePair(value[i - 1], value[i]))
            {
                count--;
            }
        }

        return count;
    }

    public static bool CountIsBetween(string value, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(value);

        // A code point takes one or two UTF-16 units, so most texts are decided without counting.
        if (value.Length < min || value.Length > 2 * max)
        {
            return false;
        }

        if (value.Length <= max && value.Length >= 2 * min)
        {
            return true;
        }

        var count = Count(value);
        return count >= min && count <= max;
    }

    public static bool CountIsAtMost(string value, int max) => CountIsBetween(value, 0, max);

    /// <summary>The first <paramref name="max"/> characters, never half of a surrogate pair.</summary>
    public static string Truncate(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (value.Length <= max)
        {
            return value;
        }

        var units = 0;
        for (var kept = 0; kept < max && units < value.Length; kept++)
        {
            units += char.IsSurrogatePair(value, units) ? 2 : 1;
        }

        return value[..units];
    }

    /// <summary>The last <paramref name="count"/> characters (all of them when there are fewer).</summary>
    public static string Last(string value, int count)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var start = value.Length;
        for (var taken = 0; taken < count && start > 0; taken++)
        {
            start -= start >= 2 && char.IsSurrogatePair(value[start - 2], value[start - 1]) ? 2 : 1;
        }

        return value[start..];
    }
}
