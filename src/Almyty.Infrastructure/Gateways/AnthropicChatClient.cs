using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Chat;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// The Anthropic Messages protocol (<c>POST {baseUrl}/v1/messages</c>): the system prompt is a top-level field,
/// turns strictly alternate starting with the user, and <c>max_tokens</c> is always sent.
/// </summary>
internal sealed class AnthropicChatClient(HttpClient http, UpstreamCaller caller)
{
    public const string ApiVersion = "2023-06-01";

    public async Task<ChatOutcome> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, OpenAiChatClient.Endpoint(request.BaseUrl, "v1/messages"))
        {
            Content = WireJson.Content(writer => WriteBody(writer, request)),
        };
        message.Headers.Add("x-api-key", request.ApiKey);
        message.Headers.Add("anthropic-version", ApiVersion);
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

    /// <summary>The same request with <c>"stream": true</c>, answered as server-sent events; returns once the response headers are in.</summary>
    public async Task<(UpstreamResponse? Response, UpstreamFailure? Failure)> OpenStreamAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, OpenAiChatClient.Endpoint(request.BaseUrl, "v1/messages"))
        {
            Content = WireJson.Content(writer => WriteBody(writer, request, stream: true)),
        };
        message.Headers.Add("x-api-key", request.ApiKey);
        message.Headers.Add("anthropic-version", ApiVersion);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await caller.OpenAsync(http, message, request.ApiKey, ReadError, request.Timeout, cancellationToken);
    }

    private static void WriteBody(Utf8JsonWriter writer, ChatCompletionRequest request, bool stream = false)
    {
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WriteNumber("max_tokens", request.MaxTokens);
        if (request.SystemPrompt is not null)
        {
            writer.WriteString("system", request.SystemPrompt);
        }

        writer.WriteStartArray("messages");
        foreach (var (role, content) in Alternating(request.Messages))
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteString("content", content);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (request.Stop is { Count: > 0 } stop)
        {
            writer.WriteStartArray("stop_sequences");
            foreach (var sequence in stop)
            {
                writer.WriteStringValue(sequence);
            }

            writer.WriteEndArray();
        }

        if (stream)
        {
            writer.WriteBoolean("stream", true);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Anthropic refuses two turns of one role in a row, a first turn that is not the user's, and an earlier turn
    /// without text (a stored reply that was empty, say): merge, trim and leave out. The last turn, the message being
    /// sent, is sent as it is.
    /// </summary>
    internal static List<(string Role, string Content)> Alternating(IReadOnlyList<ChatTurn> turns)
    {
        var result = new List<(string Role, string Content)>(turns.Count);
        for (var i = 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            if ((result.Count == 0 && turn.Role != ChatRoles.User) || (i < turns.Count - 1 && string.IsNullOrWhiteSpace(turn.Content)))
            {
                continue;
            }

            if (result.Count > 0 && result[^1].Role == turn.Role)
            {
                result[^1] = (turn.Role, result[^1].Content + "\n\n" + turn.Content);
            }
            else
            {
                result.Add((turn.Role, turn.Content));
            }
        }

        return result;
    }

    internal static ChatOutcome Parse(JsonElement body, ChatCompletionRequest request, TimeSpan elapsed)
    {
        if (ErrorObjectOf(body) is { } error)
        {
            return ChatOutcome.Failed(ProviderErrorBody.AnsweredFailure(error.Kind, error.Message, request.ApiKey, elapsed));
        }

        if (body.Array("content") is not { } blocks)
        {
            return ChatOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.InvalidResponse, "The answer has no content blocks.", 200, null, elapsed, Sent: true));
        }

        var text = new StringBuilder();
        foreach (var block in blocks.EnumerateArray())
        {
            if (block.String("type") == "text")
            {
                text.Append(block.String("text"));
            }
        }

        var usage = body.Object("usage");
        var input = WireJson.Sum(usage?.Count("input_tokens"), usage?.Count("cache_creation_input_tokens"), usage?.Count("cache_read_input_tokens"));
        return ChatOutcome.Success(new ChatCompletion(
            text.ToString(),
            body.ModelName("model") ?? request.Model,
            FinishReasonOf(body.String("stop_reason")),
            input,
            usage?.Count("output_tokens"),
            elapsed));
    }

    internal static string FinishReasonOf(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" => "stop",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        null => "unknown",
        _ => stopReason,
    };

    internal static (string? Message, bool ModelNotFound) ReadError(JsonElement body)
    {
        var error = body.Object("error");
        var type = error?.String("type");
        var message = ProviderErrorBody.NotBlank(error?.String("message")) ?? ProviderErrorBody.FallbackMessage(body);
        return (message, type == "not_found_error");
    }

    /// <summary>
    /// A <c>{"type": "error", "error": {"type", "message"}}</c> object in a 2xx answer, as Anthropic reports a failure
    /// inside a stream (<c>overloaded_error</c>, ...) and a proxy may in a plain 200 body: its kind by type, and its
    /// message (null when it has none). One reading for both, so a plain answer and a stream classify it the same way.
    /// </summary>
    internal static (UpstreamFailureKind Kind, string? Message)? ErrorObjectOf(JsonElement body)
    {
        if (body.String("type") != "error")
        {
            return null;
        }

        var error = body.Object("error");
        return (ProviderErrorBody.KindOf(error?.String("type"), null), ProviderErrorBody.NotBlank(error?.String("message")));
    }
}
