using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Infrastructure.Gateways;

internal static class WireJson
{
    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static int? Int(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>A token count: a whole number from 0 to int.MaxValue, else unknown.</summary>
    public static int? Count(this JsonElement element, string name) => element.Int(name) is >= 0 and var count ? count : null;

    /// <summary>Counts added up; unknown if the first is, or if the sum does not fit.</summary>
    public static int? Sum(int? first, params int?[] more)
    {
        if (first is not { } total)
        {
            return null;
        }

        var sum = (long)total + more.Sum(count => (long)(count ?? 0));
        return sum <= int.MaxValue ? (int)sum : null;
    }

    /// <summary>
    /// The model an answer names, if it could be a model name (1 to 200 characters, no control characters): a reported
    /// model is returned, stored with the usage and priced, so anything else counts as not reported.
    /// </summary>
    public static string? ModelName(this JsonElement element, string name)
    {
        string? model;
        try
        {
            model = element.String(name);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800"): no model name either.
            return null;
        }

        return model is not null && Characters.CountIsBetween(model, 1, ProviderRules.ModelMaxLength) && !Characters.HasControl(model) ? model : null;
    }

    /// <summary>
    /// Whether reading the strings of an answer failed because one is not valid UTF-16 (a lone surrogate escape such
    /// as <c>"\ud800"</c>): System.Text.Json parses it, and throws only when the string is read.
    /// </summary>
    public static bool IsInvalidText(Exception exception) => exception is InvalidOperationException && exception is not ObjectDisposedException;

    /// <summary>A whole answer read by the protocol's <paramref name="parse"/>; one holding a string that cannot be read is an invalid response.</summary>
    public static ChatOutcome ParseAnswer(UpstreamSuccess success, ChatCompletionRequest request, Func<JsonElement, ChatCompletionRequest, TimeSpan, ChatOutcome> parse)
    {
        try
        {
            return parse(success.Body.RootElement, request, success.Elapsed);
        }
        catch (Exception exception) when (IsInvalidText(exception))
        {
            return ChatOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.InvalidResponse, "The answer holds a value that cannot be read (a string that is not valid Unicode, say).", 200, null, success.Elapsed, Sent: true));
        }
    }

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static JsonElement? Array(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

    public static ByteArrayContent Content(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
