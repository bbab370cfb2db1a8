using System.Text.Json;
using Almyty.Application.Gateways;

namespace Almyty.Infrastructure.Gateways.Streaming;

internal enum StreamStep
{
    /// <summary>Nothing to relay (a ping, a role chunk, a usage chunk, ...).</summary>
    Continue,

    /// <summary><see cref="ChatStreamParser.Delta"/> holds a piece of text.</summary>
    Delta,

    /// <summary>The provider said the answer is complete.</summary>
    Done,

    /// <summary>The provider sent an error event; <see cref="ChatStreamParser.ErrorKind"/> and <see cref="ChatStreamParser.ErrorMessage"/> say which.</summary>
    Error,
}

/// <summary>
/// Reads one protocol's stream events and keeps what they reported so far: the model, the finish reason and the
/// token counts. One instance per stream.
/// </summary>
internal abstract class ChatStreamParser
{
    public string? Model { get; protected set; }

    public string? FinishReason { get; protected set; }

    public int? InputTokens { get; protected set; }

    public int? OutputTokens { get; protected set; }

    /// <summary>The text of the last <see cref="StreamStep.Delta"/>.</summary>
    public string? Delta { get; protected set; }

    public UpstreamFailureKind ErrorKind { get; protected set; }

    public string? ErrorMessage { get; protected set; }

    /// <summary>Whether a stream that ends here, without its closing event, still holds a whole answer.</summary>
    public bool CanEndWithoutClosingEvent => FinishReason is not null;

    /// <summary>Reads one event's data.</summary>
    /// <exception cref="JsonException">The data is not JSON.</exception>
    public abstract StreamStep Read(ReadOnlyMemory<byte> data);

    /// <summary>A whole (non-streamed) answer, from a server that ignored the request to stream.</summary>
    public abstract ChatOutcome ParseWhole(JsonElement body, ChatCompletionRequest request, TimeSpan elapsed);

    /// <summary>The message of an error event that has none of its own.</summary>
    protected const string NoErrorMessage = "The provider reported an error in the middle of its answer.";
}

/// <summary>
/// OpenAI's chat completion chunks (<c>data: {...}</c>, then <c>data: [DONE]</c>): the text in
/// <c>choices[0].delta.content</c>, <c>choices[0].finish_reason</c> once, and with <c>stream_options.include_usage</c>
/// a last chunk with <c>usage</c> and no choices. An <c>{"error": {...}}</c> object is the provider failing mid-stream.
/// </summary>
internal sealed class OpenAiStreamParser : ChatStreamParser
{
    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;

    public override StreamStep Read(ReadOnlyMemory<byte> data)
    {
        if (data.Span.Trim((byte)' ').SequenceEqual(DoneMarker))
        {
            return StreamStep.Done;
        }

        using var document = JsonDocument.Parse(data);
        var chunk = document.RootElement;
        if (OpenAiChatClient.ErrorObjectOf(chunk) is { } error)
        {
            ErrorKind = error.Kind;
            ErrorMessage = error.Message ?? NoErrorMessage;
            return StreamStep.Error;
        }

        if (chunk.ModelName("model") is { } model)
        {
            Model = model;
        }

        if (chunk.Object("usage") is { } usage)
        {
            InputTokens = usage.Count("prompt_tokens") ?? InputTokens;
            OutputTokens = usage.Count("completion_tokens") ?? OutputTokens;
        }

        if (chunk.Array("choices") is not { } choices || OpenAiChatClient.FirstChoice(choices) is not { } choice)
        {
            return StreamStep.Continue;
        }

        if (choice.String("finish_reason") is { } finishReason)
        {
            FinishReason = finishReason;
        }

        var delta = choice.Object("delta");
        var text = delta?.String("content") ?? delta?.String("refusal");
        if (string.IsNullOrEmpty(text))
        {
            return StreamStep.Continue;
        }

        Delta = text;
        return StreamStep.Delta;
    }

    public override ChatOutcome ParseWhole(JsonElement body, ChatCompletionRequest request, TimeSpan elapsed) =>
        OpenAiChatClient.Parse(body, request, elapsed);
}

/// <summary>
/// Anthropic's message stream: <c>message_start</c> (model, input tokens), <c>content_block_delta</c> with a
/// <c>text_delta</c>, <c>message_delta</c> (stop reason, cumulative output tokens), <c>message_stop</c>; <c>ping</c>
/// and block boundaries carry nothing to relay, <c>error</c> is the provider failing mid-stream (<c>overloaded_error</c>, ...).
/// </summary>
internal sealed class AnthropicStreamParser : ChatStreamParser
{
    public override StreamStep Read(ReadOnlyMemory<byte> data)
    {
        using var document = JsonDocument.Parse(data);
        var message = document.RootElement;
        switch (message.String("type"))
        {
            case "message_start":
                if (message.Object("message") is { } start)
                {
                    Model = start.ModelName("model") ?? Model;
                    ReadUsage(start.Object("usage"));
                }

                return StreamStep.Continue;

            case "content_block_delta":
                if (message.Object("delta") is { } delta && delta.String("type") == "text_delta" && delta.String("text") is { Length: > 0 } text)
                {
                    Delta = text;
                    return StreamStep.Delta;
                }

                return StreamStep.Continue;

            case "message_delta":
                if (message.Object("delta")?.String("stop_reason") is { } stopReason)
                {
                    FinishReason = AnthropicChatClient.FinishReasonOf(stopReason);
                }

                ReadUsage(message.Object("usage"));
                return StreamStep.Continue;

            case "message_stop":
                return StreamStep.Done;

            case "error":
                var (errorKind, errorText) = AnthropicChatClient.ErrorObjectOf(message) ?? (UpstreamFailureKind.ServerError, null);
                ErrorKind = errorKind;
                ErrorMessage = errorText ?? NoErrorMessage;
                return StreamStep.Error;

            default:
                // ping, content_block_start/stop, and event types Anthropic may add later.
                return StreamStep.Continue;
        }
    }

    public override ChatOutcome ParseWhole(JsonElement body, ChatCompletionRequest request, TimeSpan elapsed) =>
        AnthropicChatClient.Parse(body, request, elapsed);

    /// <summary>Counts are cumulative: a later event's count replaces an earlier one. Input counts both cache counts, as a plain call does.</summary>
    private void ReadUsage(JsonElement? usage)
    {
        if (usage is not { } counts)
        {
            return;
        }

        if (WireJson.Sum(counts.Count("input_tokens"), counts.Count("cache_creation_input_tokens"), counts.Count("cache_read_input_tokens")) is { } input)
        {
            InputTokens = input;
        }

        OutputTokens = counts.Count("output_tokens") ?? OutputTokens;
    }
}
