using System.Globalization;

namespace Almyty.Api.Http;

/// <summary>Reads whole-number query parameters so that <c>?page=abc</c> is a 400 naming <c>page</c>, not a bind failure.</summary>
public static class QueryParameters
{
    public static bool TryReadInt(string name, string? raw, int fallback, out int value, out IResult? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(raw))
        {
            value = fallback;
            return true;
        }

        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        problem = ErrorResults.Validation(name, $"'{name}' must be a whole number.");
        return false;
    }

    public static bool TryReadId(string raw, out Guid id, out IResult? problem) => TryReadId("id", raw, out id, out problem);

    /// <summary>A route id in the 8-4-4-4-12 form; anything else is a 400 naming <paramref name="name"/>.</summary>
    public static bool TryReadId(string name, string raw, out Guid id, out IResult? problem)
    {
        problem = null;
        // The exact parse still allows white space around the id.
        id = Guid.Empty;
        if (raw.Length == 36 && Guid.TryParseExact(raw, "D", out id))
        {
            return true;
        }

        problem = ErrorResults.Validation(name, $"'{name}' must be a UUID.");
        return false;
    }
}
