using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Almyty.Bench;

/// <summary>
/// As fast as an OpenAI-compatible server can be: fixed answers written from pre-built bytes, so the benchmark
/// measures the service in front of it, not the fake.
/// </summary>
internal static class FakeUpstream
{
    private const string Model = "gpt-4o-mini";

    public static async Task<int> RunAsync(BenchArguments args)
    {
        var port = args.Int("port", 0);
        var chunks = Math.Max(1, args.Int("chunks", 8));
        var chunkDelay = TimeSpan.FromMilliseconds(args.Int("chunk-delay-ms", 5));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();

        var completion = Encoding.UTF8.GetBytes(
            $$$"""{"id":"chatcmpl-bench","object":"chat.completion","created":1764115200,"model":"{{{Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! I am the benchmark's upstream."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}""");
        var streamChunks = Enumerable.Range(0, chunks)
            .Select(i => Encoding.UTF8.GetBytes(
                $$$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764115200,"model":"{{{Model}}}","choices":[{"index":0,"delta":{{{(i == 0 ? """{"role":"assistant","content":"Hello"}""" : $$$"""{"content":" part {{{i}}}"}""")}}},"finish_reason":null}]}""" + "\n\n"))
            .ToArray();
        var streamEnd = Encoding.UTF8.GetBytes(
            $$$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764115200,"model":"{{{Model}}}","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\n"
            + $$$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764115200,"model":"{{{Model}}}","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":{{{chunks}}},"total_tokens":{{{12 + chunks}}}}}""" + "\n\n"
            + "data: [DONE]\n\n");

        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var response = context.Response;
            if (!AsksForStream(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                response.ContentType = "application/json";
                response.ContentLength = completion.Length;
                await response.Body.WriteAsync(completion, context.RequestAborted);
                return;
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            for (var i = 0; i < streamChunks.Length; i++)
            {
                if (i > 0 && chunkDelay > TimeSpan.Zero)
                {
                    await Task.Delay(chunkDelay, context.RequestAborted);
                }

                await response.Body.WriteAsync(streamChunks[i], context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }

            await response.Body.WriteAsync(streamEnd, context.RequestAborted);
        });

        await app.RunAsync();
        return 0;
    }

    private static bool AsksForStream(ReadOnlySpan<byte> json) =>
        json.IndexOf("\"stream\":true"u8) >= 0 || json.IndexOf("\"stream\": true"u8) >= 0;
}
