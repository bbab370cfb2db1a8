using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Almyty.Api.Tests.Fakes;

/// <summary>
/// Answers that break the protocol half-way or carry a wait in the other form HTTP allows; they sit beside
/// <see cref="Reply"/> and are scripted the same way.
/// </summary>
public static class FaultReply
{
    /// <summary>The start of a completion, cut off in the middle of the assistant's text.</summary>
    private const string TruncatedCompletion = """{"id":"chatcmpl-dropped","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hel""";

    /// <summary>
    /// Sends the status line and headers and the first bytes of the body, then drops the connection. With
    /// <paramref name="declareLength"/> the headers promise (in Content-Length) more bytes than ever come; without it
    /// the body is chunked and its last chunk never comes.
    /// </summary>
    public static UpstreamBehaviour HeadersThenDrop(int status = 200, bool declareLength = true) =>
        async exchange =>
        {
            var prefix = Encoding.UTF8.GetBytes(TruncatedCompletion);
            var response = exchange.Http.Response;
            response.StatusCode = status;
            response.ContentType = "application/json";
            if (declareLength)
            {
                response.ContentLength = prefix.Length + 4_096;
            }

            await response.Body.WriteAsync(prefix, exchange.Aborted);
            await response.Body.FlushAsync(exchange.Aborted);

            // Give the client time to take the headers, so the drop falls in the body and not before the answer.
            await Task.Delay(TimeSpan.FromMilliseconds(150), exchange.Aborted);
            exchange.Http.Abort();
        };

    /// <summary>
    /// An error in the protocol's own format whose <c>Retry-After</c> is an HTTP date <paramref name="wait"/> from now
    /// (RFC 7231 allows either delay-seconds or an HTTP-date). The date has whole seconds, so the wait a client computes
    /// is up to a second shorter.
    /// </summary>
    public static UpstreamBehaviour ErrorWithRetryAfterDate(int status, TimeSpan wait, string message = "Please slow down.") =>
        exchange =>
        {
            exchange.Http.Response.Headers.RetryAfter = RetryAfterDate(wait);
            return Reply.Error(status, message)(exchange);
        };

    /// <summary>
    /// <paramref name="inner"/>'s answer as it is written (uncompressed) under a <c>Content-Encoding</c> that says it is
    /// compressed, as a misconfigured proxy sends it: a client that decompresses finds bytes it cannot decode.
    /// </summary>
    public static UpstreamBehaviour MislabelledAs(string contentEncoding, UpstreamBehaviour inner) =>
        exchange =>
        {
            exchange.Http.Response.Headers.ContentEncoding = contentEncoding;
            return inner(exchange);
        };

    /// <summary>The <c>Retry-After</c> value naming the moment <paramref name="wait"/> from now, as an IMF-fixdate.</summary>
    public static string RetryAfterDate(TimeSpan wait) => (DateTimeOffset.UtcNow + wait).ToString("R", CultureInfo.InvariantCulture);
}
