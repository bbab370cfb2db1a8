using System.Text.Json;
using System.Text.Json.Serialization;

namespace Almyty.Api.Http;

/// <summary>Strict JSON: an unknown member, a wrong type, a number in a string or a repeated member is a 400, never a guess.</summary>
public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.AllowTrailingCommas = false;
        options.MaxDepth = 32;
        options.Converters.Add(new OptionalJsonConverterFactory());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.Converters.Add(new NormalizedDecimalConverter());
    }
}
