using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Almyty.Api.Http;

/// <summary>Strong ETags from the row version, and the If-Match header read against them.</summary>
public static class EntityTags
{
    public static string For(uint version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The versions If-Match accepts: null when there is no header or it is <c>*</c>; an empty list when no tag can match.</summary>
    public static IReadOnlyList<uint>? ReadIfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers.IfMatch;
        if (headers.Count == 0)
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseList(headers, out var tags))
        {
            return [];
        }

        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return null;
        }

        // If-Match uses the strong comparison: a weak tag never matches.
        return tags
            .Where(t => !t.IsWeak)
            .Select(t => uint.TryParse(t.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? (uint?)v : null)
            .OfType<uint>()
            .ToList();
    }

    public static void Set(HttpResponse response, uint version)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ETag = For(version);
    }
}
