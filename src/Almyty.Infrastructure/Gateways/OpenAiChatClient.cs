using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Chat;
using Almyty.Domain.Providers;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// The OpenAI chat completions protocol (<c>POST {baseUrl}/chat/completions</c>), for OpenAI itself and for any
/// compatible server. Reasoning models (o1, o3, ...) take <c>max_completion_tokens</c> and no sampling parameters or stop;
/// OpenAI gets <c>max_completion_tokens</c> (the current name), compatible servers the older, wider-known <c>max_tokens</c>.
/// </summary>
internal sealed class OpenAiChatClient(HttpClient http, UpstreamCaller caller)
{
    public async Task<ChatOutcome> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var reasoning = IsReasoningModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint(request.BaseUrl, "chat/completions"))
        {
            Content = WireJson.Content(writer => WriteBody(writer, request, reasoning)),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.ApiKey);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var (success, failure) = await caller.SendAsync(http, message, request.ApiKey, ReadError, request.Timeout, cancellationToken);
        if (failure is not null)
        {
            return ChatOutcome.Failed(failure);
        }

        using (success)
        {
            return WireJson.ParseAnswer(success!, request, Parse);
        }
    }

    /// <summary>
    /// The same request with <c>"stream": true</c> and <c>stream_options.include_usage</c> (so the last chunk reports the
    /// tokens), answered as server-sent events; returns once the response headers are in.
    /// </summary>
    public async Task<(UpstreamResponse? Response, UpstreamFailure? Failure)> OpenStreamAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var reasoning = IsReasoningModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint(request.BaseUrl, "chat/completions"))
        {
            Content = WireJson.Content(writer => WriteBody(writer, request, reasoning, stream: true)),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.ApiKey);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await caller.OpenAsync(http, message, request.ApiKey, ReadError, request.Timeout, cancellationToken);
    }

    /// <summary>o1, o3, o4-mini, gpt-5 and their snapshots: models that reason before answering.</summary>
    internal static bool IsReasoningModel(string model)
    {
        var name = model.Contains('/', StringComparison.Ordinal) ? model[(model.LastIndexOf('/') + 1)..] : model;
        return (name.Length >= 2 && name[0] is 'o' or 'O' && char.IsAsciiDigit(name[1]))
            || name.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The API root joined with a path; a query string on the root (an api-version, say) is kept.</summary>
    internal static Uri Endpoint(Uri baseUrl, string path) =>
        new(baseUrl.GetLeftPart(UriPartial.Authority) + baseUrl.AbsolutePath.TrimEnd('/') + "/" + path + baseUrl.Query, UriKind.Absolute);

    private static void WriteBody(Utf8JsonWriter writer, ChatCompletionRequest request, bool reasoning, bool stream = false)
    {
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WriteStartArray("messages");
        if (request.SystemPrompt is not null)
        {
            WriteMessage(writer, ChatRoles.System, request.SystemPrompt);
        }

        foreach (var turn in request.Messages)
        {
            WriteMessage(writer, turn.Role, turn.Content);
        }

        writer.WriteEndArray();
        writer.WriteNumber(reasoning || request.Kind == ProviderKind.OpenAi ? "max_completion_tokens" : "max_tokens", request.MaxTokens);
        if (!reasoning)
        {
            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature", temperature);
            }

            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p", topP);
            }
        }

        // Reasoning models refuse 'stop' as they refuse sampling parameters.
        if (!reasoning && request.Stop is { Count: > 0 } stop)
        {
            writer.WriteStartArray("stop");
            foreach (var sequence in stop)
            {
                writer.WriteStringValue(sequence);
            }

            writer.WriteEndArray();
        }

        if (stream)
        {
            writer.WriteBoolean("stream", true);
            writer.WriteStartObject("stream_options");
            writer.WriteBoolean("include_usage", true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    internal static ChatOutcome Parse(JsonElement body, ChatCompletionRequest request, TimeSpan elapsed)
    {
        if (ErrorObjectOf(body) is { } error)
        {
            return ChatOutcome.Failed(ProviderErrorBody.AnsweredFailure(error.Kind, error.Message, request.ApiKey, elapsed));
        }

        if (body.Array("choices") is not { } choices || FirstChoice(choices) is not { } choice || choice.Object("message") is not { } message)
        {
            return ChatOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.InvalidResponse, "The answer has no choices[0].message.", 200, null, elapsed, Sent: true));
        }

        var usage = body.Object("usage");
        return ChatOutcome.Success(new ChatCompletion(
            ContentOf(message),
            body.ModelName("model") ?? request.Model,
            choice.String("finish_reason") ?? "unknown",
            usage?.Count("prompt_tokens"),
            usage?.Count("completion_tokens"),
            elapsed));
    }

    /// <summary>
    /// The choice numbered 0, wherever it sits in the array (a server may list several in any order), or the first one
    /// when none is numbered; null when there is neither. We never ask for more than one.
    /// </summary>
    internal static JsonElement? FirstChoice(JsonElement choices)
    {
        JsonElement? unnumbered = null;
        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (!choice.TryGetProperty("index", out var index) || index.ValueKind != JsonValueKind.Number)
            {
                unnumbered ??= choice;
            }
            else if (index.TryGetInt32(out var number) && number == 0)
            {
                return choice;
            }
        }

        return unnumbered;
    }

    /// <summary>A string, or (from some compatible servers) an array of text parts; a refusal counts as the content.</summary>
    private static string ContentOf(JsonElement message)
    {
        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                return content.GetString()!;
            }

            if (content.ValueKind == JsonValueKind.Array)
            {
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    text.Append(part.String("text"));
                }

                return text.ToString();
            }
        }

        return message.String("refusal") ?? string.Empty;
    }

    internal static (string? Message, bool ModelNotFound) ReadError(JsonElement body)
    {
        var error = body.Object("error");
        var message = ProviderErrorBody.NotBlank(error?.String("message")) ?? ProviderErrorBody.FallbackMessage(body);
        var code = error?.String("code") ?? error?.String("type");
        return (message, code is "model_not_found" or "not_found_error");
    }

    /// <summary>
    /// An <c>{"error": {...}}</c> object in a 2xx answer, as OpenAI reports a failure inside a stream and some compatible
    /// servers and gateways in a plain 200 body: its kind by type or code, and its message (null when it has none).
    /// One reading for both, so a plain answer and a stream classify the same object the same way.
    /// </summary>
    /// <remarks>A body that also carries choices is the answer: what they hold is usable, whatever else is beside them.</remarks>
    internal static (UpstreamFailureKind Kind, string? Message)? ErrorObjectOf(JsonElement body) =>
        body.Object("error") is { } error && (body.Array("choices") is not { } choices || choices.GetArrayLength() == 0)
            ? (ProviderErrorBody.KindOf(error.String("type"), error.String("code")), ProviderErrorBody.NotBlank(error.String("message")))
            : null;
}
