using System.Text;
using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Common;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// What both protocols share in reading a provider's error: the message outside the protocol's own error object
/// (compatible servers and proxies answer in their own shapes), and the kind an error object's type or code names.
/// </summary>
internal static class ProviderErrorBody
{
    /// <summary>How many entries of a <c>detail</c> list the message names; the rest are counted.</summary>
    internal const int MaxDetailEntries = 3;

    /// <summary>Each location and message of a <c>detail</c> entry is cut to this many characters.</summary>
    internal const int MaxDetailPartLength = 200;

    /// <summary>
    /// A top-level <c>message</c>, <c>error</c> or <c>detail</c> string, or a <c>detail</c> list in FastAPI's shape
    /// (<c>[{"loc": ["body", "messages"], "msg": "field required", "type": "value_error.missing"}]</c>, as vLLM and
    /// other servers built on it answer a 422), read as <c>body.messages: field required</c>.
    /// </summary>
    public static string? FallbackMessage(JsonElement body) =>
        NotBlank(body.String("message")) ?? NotBlank(body.String("error")) ?? DetailOf(body);

    /// <summary>
    /// The kind of an error a provider reports in a 2xx answer (a plain body or an event of a stream), by its type or
    /// code (both protocols' names). Anything not named here is the provider failing: <see cref="UpstreamFailureKind.ServerError"/>.
    /// </summary>
    public static UpstreamFailureKind KindOf(string? type, string? code) => (code ?? type, type) switch
    {
        ("invalid_api_key", _) or (_, "authentication_error" or "permission_error") => UpstreamFailureKind.AuthFailed,
        ("rate_limit_exceeded", _) or (_, "rate_limit_error" or "requests" or "tokens") => UpstreamFailureKind.RateLimited,
        ("model_not_found", _) or (_, "not_found_error") => UpstreamFailureKind.ModelNotFound,
        (_, "invalid_request_error" or "request_too_large") => UpstreamFailureKind.Rejected,
        (_, "timeout_error") => UpstreamFailureKind.Timeout,
        _ => UpstreamFailureKind.ServerError,
    };

    /// <summary>
    /// An error object in a plain 2xx answer: the provider answered (so the call was sent), with a failure classified
    /// as the same object in a stream is, and its message redacted.
    /// </summary>
    public static UpstreamFailure AnsweredFailure(UpstreamFailureKind kind, string? message, string apiKey, TimeSpan elapsed) =>
        new(kind, SecretRedactor.Redact(message ?? "The provider answered with an error object and no message.", apiKey), 200, null, elapsed, Sent: true);

    internal static string? NotBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string? DetailOf(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("detail", out var detail))
        {
            return null;
        }

        return detail.ValueKind switch
        {
            JsonValueKind.String => NotBlank(detail.GetString()),
            JsonValueKind.Array => DetailListOf(detail),
            _ => null,
        };
    }

    /// <summary>The first few entries, each <c>loc: msg</c>, joined with "; "; null when none says anything.</summary>
    private static string? DetailListOf(JsonElement detail)
    {
        var text = new StringBuilder();
        var named = 0;
        var more = 0;
        foreach (var entry in detail.EnumerateArray())
        {
            if (EntryOf(entry) is not { } line)
            {
                continue;
            }

            if (named == MaxDetailEntries)
            {
                more++;
                continue;
            }

            text.Append(named == 0 ? string.Empty : "; ").Append(line);
            named++;
        }

        if (more > 0)
        {
            text.Append(" (and ").Append(more).Append(" more)");
        }

        return named == 0 ? null : text.ToString();
    }

    private static string? EntryOf(JsonElement entry)
    {
        if (entry.ValueKind == JsonValueKind.String)
        {
            return NotBlank(entry.GetString()) is { } plain ? Cut(plain) : null;
        }

        if (NotBlank(entry.String("msg") ?? entry.String("message")) is not { } message)
        {
            return null;
        }

        var location = entry.Array("loc") is { } parts ? LocationOf(parts) : null;
        return location is null ? Cut(message) : $"{Cut(location)}: {Cut(message)}";
    }

    /// <summary><c>["body", "messages", 0, "content"]</c> as <c>body.messages.0.content</c>.</summary>
    private static string? LocationOf(JsonElement parts)
    {
        var names = parts.EnumerateArray()
            .Select(part => part.ValueKind switch
            {
                JsonValueKind.String => part.GetString(),
                JsonValueKind.Number => part.GetRawText(),
                _ => null,
            })
            .Where(name => !string.IsNullOrEmpty(name))
            .ToList();
        return names.Count == 0 ? null : string.Join('.', names);
    }

    private static string Cut(string text) =>
        Characters.CountIsAtMost(text, MaxDetailPartLength) ? text : Characters.Truncate(text, MaxDetailPartLength - 1) + "…";
}
