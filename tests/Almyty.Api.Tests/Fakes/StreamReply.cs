using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Almyty.Api.Tests.Fakes;

/// <summary>How a streamed answer ends.</summary>
public enum StreamEnding
{
    /// <summary>The protocol's normal end: OpenAI's finish chunk, usage chunk and <c>[DONE]</c>; Anthropic's message_delta and message_stop.</summary>
    Complete,

    /// <summary>The connection is dropped after the pieces, without any end.</summary>
    Drop,

    /// <summary>The provider's own error event after the pieces (OpenAI <c>{"error":{...}}</c>, Anthropic <c>event: error</c>), then a clean close.</summary>
    ErrorEvent,

    /// <summary>Nothing more is sent, and the connection stays open until the client goes away.</summary>
    Hang,

    /// <summary>
    /// The finish (OpenAI's finish chunk and usage chunk; Anthropic's message_delta), then the connection is dropped
    /// before the end marker (<c>[DONE]</c>, message_stop).
    /// </summary>
    DropAfterFinish,

    /// <summary>The finish, as for <see cref="DropAfterFinish"/>, then nothing more until the client goes away.</summary>
    HangAfterFinish,
}

/// <summary>A script for one streamed answer.</summary>
public sealed record StreamPlan
{
    /// <summary>The pieces of text, in order; null splits <see cref="Reply.EchoOf"/> the user message into three.</summary>
    public IReadOnlyList<string>? Pieces { get; init; }

    public int InputTokens { get; init; } = Reply.DefaultInputTokens;

    public int OutputTokens { get; init; } = Reply.DefaultOutputTokens;

    /// <summary>False: no usage anywhere in the stream (OpenAI-compatible servers that never send it).</summary>
    public bool ReportUsage { get; init; } = true;

    /// <summary>The model the stream names; the model requested when null.</summary>
    public string? Model { get; init; }

    /// <summary>OpenAI <c>finish_reason</c> / Anthropic <c>stop_reason</c>, as written; the normal end when null.</summary>
    public string? StopReason { get; init; }

    /// <summary>The pause before each piece after the first.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>Awaited after the first piece is flushed, before anything else is sent: proves the first piece reached the client alone.</summary>
    public Task? HoldAfterFirstPiece { get; init; }

    /// <summary>Completed with the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the first piece was flushed.</summary>
    public TaskCompletionSource<long>? FirstPieceSent { get; init; }

    public StreamEnding Ending { get; init; } = StreamEnding.Complete;

    /// <summary>The error event's type (Anthropic <c>error.type</c>, OpenAI <c>error.type</c>).</summary>
    public string ErrorType { get; init; } = "overloaded_error";

    public string ErrorMessage { get; init; } = "Overloaded";

    /// <summary>Lines end in CRLF instead of LF.</summary>
    public bool CrLf { get; init; }
}

/// <summary>Streamed answers (<c>text/event-stream</c>) in each protocol's exact event shapes, flushed event by event.</summary>
public static class StreamReply
{
    public static UpstreamBehaviour Stream(StreamPlan? plan = null) =>
        exchange => WriteAsync(exchange, plan ?? new StreamPlan());

    /// <summary>Splits text into <paramref name="count"/> pieces of about equal length.</summary>
    public static IReadOnlyList<string> Split(string text, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(text);
        var size = Math.Max(1, (int)Math.Ceiling(text.Length / (double)count));
        var pieces = new List<string>();
        for (var i = 0; i < text.Length; i += size)
        {
            pieces.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        }

        return pieces;
    }

    private static async Task WriteAsync(UpstreamExchange exchange, StreamPlan plan)
    {
        var http = exchange.Http;
        var aborted = exchange.Aborted;
        var pieces = plan.Pieces ?? Split(Reply.EchoOf(exchange.Request.LastUserMessage));
        var model = plan.Model ?? exchange.Request.Body?["model"]?.GetValue<string>() ?? "unknown-model";
        var openAi = exchange.Protocol == WireProtocol.OpenAi;
        var newline = plan.CrLf ? "\r\n" : "\n";
        var id = Guid.NewGuid().ToString("N");

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.StartAsync(aborted);

        async Task SendAsync(string? eventName, JsonNode data)
        {
            var text = new StringBuilder();
            if (eventName is not null)
            {
                text.Append("event: ").Append(eventName).Append(newline);
            }

            text.Append("data: ").Append(data.ToJsonString()).Append(newline).Append(newline);
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), aborted);
            await http.Response.Body.FlushAsync(aborted);
        }

        async Task SendRawAsync(string text)
        {
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text.Replace("\n", newline, StringComparison.Ordinal)), aborted);
            await http.Response.Body.FlushAsync(aborted);
        }

        JsonObject OpenAiChunk(JsonObject? delta, string? finishReason) => new()
        {
            ["id"] = $"chatcmpl-{id}",
            ["object"] = "chat.completion.chunk",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = delta is null ? new JsonArray() : new JsonArray { new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason } },
        };

        var includeUsage = openAi && plan.ReportUsage && exchange.Request.Body?["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        if (openAi)
        {
            await SendAsync(null, OpenAiChunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null));
        }
        else
        {
            var usage = plan.ReportUsage ? new JsonObject { ["input_tokens"] = plan.InputTokens, ["output_tokens"] = 1 } : null;
            await SendAsync("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = $"msg_{id}",
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["content"] = new JsonArray(),
                    ["model"] = model,
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = usage,
                },
            });
            await SendAsync("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty } });
            await SendAsync("ping", new JsonObject { ["type"] = "ping" });
        }

        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == 1 && plan.HoldAfterFirstPiece is { } hold)
            {
                await hold.WaitAsync(aborted);
            }

            if (i > 0 && plan.Interval > TimeSpan.Zero)
            {
                // A comment line while waiting, as servers keep idle streams alive.
                await SendRawAsync(": waiting\n\n");
                await Task.Delay(plan.Interval, aborted);
            }

            if (openAi)
            {
                await SendAsync(null, OpenAiChunk(new JsonObject { ["content"] = pieces[i] }, null));
            }
            else
            {
                await SendAsync("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = pieces[i] } });
            }

            if (i == 0)
            {
                plan.FirstPieceSent?.TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }

        switch (plan.Ending)
        {
            case StreamEnding.Drop:
                // Give the client time to take what was sent, so the drop falls after it.
                await Task.Delay(TimeSpan.FromMilliseconds(100), aborted);
                http.Abort();
                return;

            case StreamEnding.Hang:
                await Task.Delay(TimeSpan.FromMinutes(2), aborted);
                return;

            case StreamEnding.ErrorEvent:
                if (openAi)
                {
                    await SendAsync(null, new JsonObject { ["error"] = new JsonObject { ["message"] = plan.ErrorMessage, ["type"] = plan.ErrorType, ["param"] = null, ["code"] = null } });
                }
                else
                {
                    await SendAsync("error", new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = plan.ErrorType, ["message"] = plan.ErrorMessage } });
                }

                return;
        }

        if (openAi)
        {
            await SendAsync(null, OpenAiChunk(new JsonObject(), plan.StopReason ?? "stop"));
            if (includeUsage)
            {
                var chunk = OpenAiChunk(null, null);
                chunk["usage"] = new JsonObject { ["prompt_tokens"] = plan.InputTokens, ["completion_tokens"] = plan.OutputTokens, ["total_tokens"] = plan.InputTokens + plan.OutputTokens };
                await SendAsync(null, chunk);
            }

            if (await DroppedAfterFinishAsync())
            {
                return;
            }

            await SendRawAsync("data: [DONE]\n\n");
        }
        else
        {
            await SendAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
            var delta = new JsonObject { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = plan.StopReason ?? "end_turn", ["stop_sequence"] = null } };
            if (plan.ReportUsage)
            {
                delta["usage"] = new JsonObject { ["output_tokens"] = plan.OutputTokens };
            }

            await SendAsync("message_delta", delta);
            if (await DroppedAfterFinishAsync())
            {
                return;
            }

            await SendAsync("message_stop", new JsonObject { ["type"] = "message_stop" });
        }

        async Task<bool> DroppedAfterFinishAsync()
        {
            switch (plan.Ending)
            {
                case StreamEnding.DropAfterFinish:
                    await Task.Delay(TimeSpan.FromMilliseconds(100), aborted);
                    http.Abort();
                    return true;

                case StreamEnding.HangAfterFinish:
                    await Task.Delay(TimeSpan.FromMinutes(2), aborted);
                    return true;

                default:
                    return false;
            }
        }
    }
}
