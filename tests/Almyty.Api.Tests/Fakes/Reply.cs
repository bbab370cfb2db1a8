using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Almyty.Api.Tests.Fakes;

/// <summary>How the fake answers one request. It writes the whole response itself.</summary>
public delegate Task UpstreamBehaviour(UpstreamExchange exchange);

/// <summary>The request being answered, with everything a behaviour may need.</summary>
public sealed record UpstreamExchange(HttpContext Http, RecordedRequest Request, WireProtocol Protocol, UpstreamScenario Scenario, FakeUpstream Upstream)
{
    /// <summary>Fires when the client (the API under test) gives up on this request.</summary>
    public CancellationToken Aborted => Http.RequestAborted;
}

/// <summary>The fake's repertoire, each answer in the exact shape and error format of the protocol being spoken.</summary>
public static class Reply
{
    public const int DefaultInputTokens = 12;
    public const int DefaultOutputTokens = 7;

    /// <summary>The text a successful answer carries unless told otherwise: it names the user message it answers.</summary>
    public static string EchoOf(string? userMessage) => $"Echo: {userMessage}";

    /// <summary>
    /// A successful completion (to a model listing: the scenario's models). <paramref name="model"/> defaults to the model requested; <paramref name="stopReason"/>
    /// is written as given (OpenAI <c>finish_reason</c>, Anthropic <c>stop_reason</c>) and defaults to the normal end.
    /// </summary>
    public static UpstreamBehaviour Success(
        string? text = null,
        string? model = null,
        int inputTokens = DefaultInputTokens,
        int outputTokens = DefaultOutputTokens,
        string? stopReason = null) =>
        exchange => exchange.Request.ListsModels
            ? ModelListing.WriteAsync(exchange)
            : WriteJsonAsync(exchange.Http, 200, Completion(exchange, text, model, stopReason, (inputTokens, outputTokens)));

    /// <summary>A successful completion without any <c>usage</c> member, as some compatible servers answer.</summary>
    public static UpstreamBehaviour WithoutUsage(string? text = null, string? model = null) =>
        exchange => WriteJsonAsync(exchange.Http, 200, Completion(exchange, text, model, null, null));

    /// <summary>Chooses the answer from the request (concurrent callers, usage that depends on the message, ...).</summary>
    public static UpstreamBehaviour Dynamic(Func<RecordedRequest, UpstreamBehaviour> choose) =>
        exchange => choose(exchange.Request)(exchange);

    /// <summary>
    /// An error in the provider's own format: OpenAI <c>{"error":{"message","type","param","code"}}</c>, Anthropic
    /// <c>{"type":"error","error":{"type","message"}}</c>. <paramref name="message"/> may hold <c>{key}</c>, replaced by
    /// the key the request carried (providers echo keys back), <c>{key:url}</c>, the same escaped for a URL, and
    /// <c>{key:unprefixed}</c>, the key without its first three characters (the "sk-" some providers leave out).
    /// </summary>
    public static UpstreamBehaviour Error(int status, string message, string? type = null, string? code = null, int? retryAfterSeconds = null) =>
        exchange =>
        {
            var key = exchange.Request.ApiKey ?? string.Empty;
            var text = message.Replace("{key}", key, StringComparison.Ordinal)
                .Replace("{key:url}", Uri.EscapeDataString(key), StringComparison.Ordinal)
                .Replace("{key:unprefixed}", key.Length > 3 ? key[3..] : key, StringComparison.Ordinal);
            JsonObject body = exchange.Protocol == WireProtocol.OpenAi
                ? new JsonObject
                {
                    ["error"] = new JsonObject
                    {
                        ["message"] = text,
                        ["type"] = type ?? OpenAiErrorType(status),
                        ["param"] = null,
                        ["code"] = code ?? OpenAiErrorCode(status),
                    },
                }
                : new JsonObject
                {
                    ["type"] = "error",
                    ["error"] = new JsonObject { ["type"] = type ?? AnthropicErrorType(status), ["message"] = text },
                };
            if (retryAfterSeconds is { } seconds)
            {
                exchange.Http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return WriteJsonAsync(exchange.Http, status, body);
        };

    public static UpstreamBehaviour RateLimited(int retryAfterSeconds, string message = "Rate limit reached for requests. Please try again later.") =>
        Error(429, message, retryAfterSeconds: retryAfterSeconds);

    public static UpstreamBehaviour ServerError(int status = 500, string message = "The server had an error while processing your request. Sorry about that!") =>
        Error(status, message);

    /// <summary>Waits (or until the client goes away, which the request records), then answers with <paramref name="then"/>.</summary>
    public static UpstreamBehaviour Delay(TimeSpan delay, UpstreamBehaviour? then = null) =>
        async exchange =>
        {
            await Task.Delay(delay, exchange.Aborted);
            await (then ?? Success())(exchange);
        };

    /// <summary>Never answers in any time a test waits for; ends when the client gives up.</summary>
    public static UpstreamBehaviour Hang() => Delay(TimeSpan.FromMinutes(2));

    /// <summary>A 200 whose body is cut off in the middle of the JSON.</summary>
    public static UpstreamBehaviour Malformed() =>
        exchange => WriteRawAsync(exchange.Http, 200, "application/json", """{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel""");

    /// <summary>A valid 200 answer of about <paramref name="bytes"/> bytes; with <paramref name="declareLength"/> false it is sent chunked, without Content-Length.</summary>
    public static UpstreamBehaviour Oversized(int bytes, bool declareLength = true) =>
        async exchange =>
        {
            var body = Encoding.UTF8.GetBytes(Completion(exchange, new string('x', bytes), null, null, (1, 1)).ToJsonString());
            var response = exchange.Http.Response;
            response.StatusCode = 200;
            response.ContentType = "application/json";
            if (declareLength)
            {
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, exchange.Aborted);
                return;
            }

            for (var offset = 0; offset < body.Length; offset += 8192)
            {
                await response.Body.WriteAsync(body.AsMemory(offset, Math.Min(8192, body.Length - offset)), exchange.Aborted);
                await response.Body.FlushAsync(exchange.Aborted);
            }
        };

    /// <summary>A redirect to the fake's trap path of this scenario, which records whoever follows it.</summary>
    public static UpstreamBehaviour RedirectToTrap(int status = 302) =>
        exchange =>
        {
            exchange.Http.Response.StatusCode = status;
            exchange.Http.Response.Headers.Location = exchange.Upstream.TrapUrl(exchange.Scenario);
            return Task.CompletedTask;
        };

    /// <summary>A redirect to <paramref name="location"/>, where <c>{key}</c> is replaced by the key the request carried (<c>{key:url}</c>: escaped for a URL).</summary>
    public static UpstreamBehaviour RedirectTo(string location, int status = 302) =>
        exchange =>
        {
            exchange.Http.Response.StatusCode = status;
            var key = exchange.Request.ApiKey ?? string.Empty;
            exchange.Http.Response.Headers.Location = location.Replace("{key}", key, StringComparison.Ordinal).Replace("{key:url}", Uri.EscapeDataString(key), StringComparison.Ordinal);
            return Task.CompletedTask;
        };

    public static UpstreamBehaviour Raw(int status, string contentType, string body) =>
        exchange => WriteRawAsync(exchange.Http, status, contentType, body);

    /// <summary>The success body of the protocol; <paramref name="usage"/> null leaves the member out.</summary>
    private static JsonObject Completion(UpstreamExchange exchange, string? text, string? model, string? stopReason, (int Input, int Output)? usage)
    {
        var content = text ?? EchoOf(exchange.Request.LastUserMessage);
        var reported = model ?? exchange.Request.Body?["model"]?.GetValue<string>() ?? "unknown-model";
        if (exchange.Protocol == WireProtocol.OpenAi)
        {
            var body = new JsonObject
            {
                ["id"] = $"chatcmpl-{Guid.NewGuid():N}",
                ["object"] = "chat.completion",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["model"] = reported,
                ["choices"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                        ["finish_reason"] = stopReason ?? "stop",
                    },
                },
            };
            if (usage is { } counts)
            {
                body["usage"] = new JsonObject
                {
                    ["prompt_tokens"] = counts.Input,
                    ["completion_tokens"] = counts.Output,
                    ["total_tokens"] = counts.Input + counts.Output,
                };
            }

            return body;
        }

        var message = new JsonObject
        {
            ["id"] = $"msg_{Guid.NewGuid():N}",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = reported,
            ["content"] = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = content } },
            ["stop_reason"] = stopReason ?? "end_turn",
            ["stop_sequence"] = null,
        };
        if (usage is { } tokens)
        {
            message["usage"] = new JsonObject { ["input_tokens"] = tokens.Input, ["output_tokens"] = tokens.Output };
        }

        return message;
    }

    private static string OpenAiErrorType(int status) => status switch
    {
        401 or 403 or 400 or 404 or 422 => "invalid_request_error",
        429 => "requests",
        _ => "server_error",
    };

    private static string? OpenAiErrorCode(int status) => status switch
    {
        401 => "invalid_api_key",
        404 => "model_not_found",
        429 => "rate_limit_exceeded",
        _ => null,
    };

    private static string AnthropicErrorType(int status) => status switch
    {
        400 or 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    private static Task WriteJsonAsync(HttpContext http, int status, JsonNode body) =>
        WriteRawAsync(http, status, "application/json", body.ToJsonString());

    private static async Task WriteRawAsync(HttpContext http, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
