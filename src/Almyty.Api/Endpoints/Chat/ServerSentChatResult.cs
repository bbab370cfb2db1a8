using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Almyty.Api.Http;
using Almyty.Application.Chat.StreamChatMessage;
using Almyty.Domain.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Almyty.Api.Endpoints.Chat;

/// <summary>
/// Writes a streamed chat reply as server-sent events: <c>event: delta</c> for each piece as the provider sends it, then
/// one <c>event: done</c> (the plain call's <c>data</c>) or one <c>event: error</c>. Nothing is buffered: each event is
/// written straight into the response pipe and flushed. The response starts with the first event, so a failure before
/// any text (the provider's error event, say) is still the ordinary JSON error with its status.
/// </summary>
internal sealed partial class ServerSentChatResult(ChatStreamResponse stream) : IResult
{
    public const string ContentType = "text/event-stream; charset=utf-8";

    private static ReadOnlySpan<byte> DeltaPrefix => "event: delta\ndata: "u8;

    private static ReadOnlySpan<byte> DonePrefix => "event: done\ndata: "u8;

    private static ReadOnlySpan<byte> ErrorPrefix => "event: error\ndata: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var aborted = httpContext.RequestAborted;
        var enumerator = stream.Events.GetAsyncEnumerator(aborted);
        try
        {
            if (!await enumerator.MoveNextAsync())
            {
                return;
            }

            if (enumerator.Current is ChatErrorEvent { Error: var early })
            {
                // Nothing sent yet: the caller gets the error as a plain call would.
                await early.ToResult().ExecuteAsync(httpContext);
                return;
            }

            var serializer = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            Start(httpContext);
            var body = httpContext.Response.BodyWriter;
            await using var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = serializer.Encoder, SkipValidation = true });
            do
            {
                Write(body, json, enumerator.Current, serializer);
                await body.FlushAsync(aborted);
            }
            while (await enumerator.MoveNextAsync());
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller went away: the upstream call is cancelled and its usage recorded as the stream unwinds.
        }
        catch (Exception exception) when (httpContext.Response.HasStarted && !aborted.IsCancellationRequested)
        {
            // Too late for a status code: the stream says it failed, with the code a plain call would answer, and the log says why.
            LogStreamFailed(httpContext.RequestServices.GetRequiredService<ILogger<ServerSentChatResult>>(), exception, httpContext.Request.Path);
            var failure = ApiExceptionHandler.Classify(exception);
            var body = httpContext.Response.BodyWriter;
            await using var json = new Utf8JsonWriter(body);
            WriteError(body, json, failure.Error, failure.Message);
            await body.FlushAsync(CancellationToken.None);
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private static void Start(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx and those that honour its header) pass each event on at once.
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static void Write(PipeWriter body, Utf8JsonWriter json, ChatEvent item, JsonSerializerOptions serializer)
    {
        switch (item)
        {
            case ChatDeltaEvent delta:
                body.Write(DeltaPrefix);
                json.Reset(body);
                json.WriteStartObject();
                json.WriteString("content"u8, delta.Content);
                json.WriteEndObject();
                json.Flush();
                body.Write(EventEnd);
                break;

            case ChatDoneEvent done:
                body.Write(DonePrefix);
                json.Reset(body);
                JsonSerializer.Serialize(json, done.Response, serializer);
                json.Flush();
                body.Write(EventEnd);
                break;

            case ChatErrorEvent failed:
                WriteError(body, json, failed.Error.Code, failed.Error.Message);
                break;
        }
    }

    private static void WriteError(PipeWriter body, Utf8JsonWriter json, string code, string message)
    {
        body.Write(ErrorPrefix);
        json.Reset(body);
        json.WriteStartObject();
        json.WriteString("error"u8, code);
        json.WriteString("message"u8, message);
        json.WriteEndObject();
        json.Flush();
        body.Write(EventEnd);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A chat stream for {Path} failed after it started")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, PathString path);
}
