using System.Globalization;
using System.Text.RegularExpressions;

namespace Almyty.Application.Usage.GetProviderUsage;

/// <summary>
/// Reads the bounds of a usage window: an ISO 8601 date (<c>2026-11-26</c>, meaning 00:00 UTC) or a date-time with an
/// explicit offset (<c>2026-11-26T10:30:00Z</c>, <c>2026-11-26T12:30:00+02:00</c>). A date-time without an offset is
/// refused rather than guessed. An unencoded <c>+</c> in a query string arrives as a space, so a space where the offset's
/// sign belongs is read as <c>+</c>.
/// </summary>
public static partial class UsageWindow
{
    public const string Format = "an ISO 8601 date (2026-11-26) or a date-time with an offset (2026-11-26T10:00:00Z)";

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    /// <summary>Reads a bound as sent, resolved to UTC at full precision (100 ns); <c>null</c> input is no bound.</summary>
    public static bool TryParse(string? raw, out DateTimeOffset? value)
    {
        value = null;
        if (raw is null)
        {
            return true;
        }

        var match = Pattern().Match(raw);
        if (!match.Success)
        {
            return false;
        }

        if (!match.Groups["time"].Success)
        {
            if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return false;
            }

            value = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        var offset = match.Groups["offset"].Value;
        var normalized = $"{match.Groups["date"].Value}T{match.Groups["time"].Value}{(offset.StartsWith(' ') ? "+" + offset[1..] : offset.ToUpperInvariant())}";
        if (!DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return false;
        }

        value = instant.ToUniversalTime();
        return true;
    }

    /// <summary>
    /// The database keeps whole microseconds: a bound between two is moved up to the next, which selects the same rows.
    /// False for a bound in the last microsecond of year 9999 whose next microsecond <see cref="DateTimeOffset"/> cannot
    /// hold: no stored time is at or after it.
    /// </summary>
    public static bool TryCeilingToMicrosecond(DateTimeOffset value, out DateTimeOffset ceiling)
    {
        var remainder = value.UtcTicks % TicksPerMicrosecond;
        if (remainder == 0)
        {
            ceiling = value;
            return true;
        }

        var step = TicksPerMicrosecond - remainder;
        if (value.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - step)
        {
            ceiling = default;
            return false;
        }

        ceiling = value.AddTicks(step);
        return true;
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})(?:[Tt](?<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)(?<offset>[Zz]|[+\- ]\d{2}:\d{2}))?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();
}
