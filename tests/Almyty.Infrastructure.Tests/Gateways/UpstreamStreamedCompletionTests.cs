using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Almyty.Application.Gateways;
using Almyty.Domain.Providers;
using Almyty.Infrastructure.Gateways;
using Almyty.Infrastructure.Gateways.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Tests.Gateways;

/// <summary>A provider's stream read through the relay's reader: its idle bound and how it classifies what the provider sends.</summary>
public sealed class UpstreamStreamedCompletionTests
{
    private static readonly TimeSpan IdleBound = TimeSpan.FromMilliseconds(300);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_caller_slow_to_take_the_events_does_not_count_as_a_silent_provider()
    {
        await using var completion = Open(Chunk("a"), Chunk("b", finish: "stop"), "data: [DONE]\n\n");
        var events = new List<ChatStreamEvent>();

        await foreach (var item in completion.ReadAsync(Token))
        {
            events.Add(item);
            if (events.Count == 1)
            {
                // The relay is stuck writing to a slow caller for three times the bound; the provider has its bytes ready.
                await Task.Delay(IdleBound * 3, Token);
            }
        }

        events.OfType<ChatStreamFault>().ShouldBeEmpty();
        events.OfType<ChatStreamDelta>().Select(d => d.Content).ShouldBe(["a", "b"]);
        events[^1].ShouldBeOfType<ChatStreamEnd>().FinishReason.ShouldBe("stop");
    }

    [Fact]
    public async Task A_provider_silent_for_longer_than_the_bound_between_its_bytes_still_times_out()
    {
        await using var completion = Open(Chunk("a"), null);

        var events = await ReadAllAsync(completion);

        events[0].ShouldBeOfType<ChatStreamDelta>().Content.ShouldBe("a");
        var fault = events[1].ShouldBeOfType<ChatStreamFault>();
        fault.Failure.Kind.ShouldBe(UpstreamFailureKind.Timeout);
    }

    [Fact]
    public async Task A_line_cut_off_by_the_end_of_the_stream_is_a_broken_connection_not_an_invalid_answer()
    {
        await using var completion = Open(Chunk("a"), """data: {"id":"c1","object":"chat.completion.chunk","choi""");

        var events = await ReadAllAsync(completion);

        events[0].ShouldBeOfType<ChatStreamDelta>().Content.ShouldBe("a");
        var fault = events[1].ShouldBeOfType<ChatStreamFault>();
        fault.Failure.Kind.ShouldBe(UpstreamFailureKind.ConnectionFailed);
        fault.Failure.Message.ShouldContain("closed the connection in the middle of its answer");
    }

    [Fact]
    public async Task A_whole_line_that_is_not_json_is_still_an_invalid_answer()
    {
        await using var completion = Open(Chunk("a"), "data: {\"id\":\"c1\",\"choi\n\n");

        var events = await ReadAllAsync(completion);

        events[1].ShouldBeOfType<ChatStreamFault>().Failure.Kind.ShouldBe(UpstreamFailureKind.InvalidResponse);
    }

    [Fact]
    public async Task An_event_whose_data_is_empty_is_passed_over()
    {
        await using var completion = Open(Chunk("a"), "data:\n\n", "data: \n\n", Chunk("b", finish: "stop"), "data: [DONE]\n\n");

        var events = await ReadAllAsync(completion);

        events.OfType<ChatStreamDelta>().Select(d => d.Content).ShouldBe(["a", "b"]);
        events[^1].ShouldBeOfType<ChatStreamEnd>().FinishReason.ShouldBe("stop");
    }

    [Fact]
    public async Task A_byte_order_mark_before_the_first_event_loses_nothing()
    {
        await using var completion = Open("\uFEFF" + Chunk("a", finish: "stop"), "data: [DONE]\n\n");

        var events = await ReadAllAsync(completion);

        events[0].ShouldBeOfType<ChatStreamDelta>().Content.ShouldBe("a");
        events[^1].ShouldBeOfType<ChatStreamEnd>().FinishReason.ShouldBe("stop");
    }

    private static string Chunk(string content, string? finish = null) =>
        $$"""data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"{{content}}"},"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""" + "\n\n";

    /// <summary>A stream answered with one chunk per read; a null chunk is a provider that goes silent and stays open.</summary>
    private static UpstreamStreamedCompletion Open(params string?[] chunks)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new PacedStream(chunks)) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        var budget = new CancellationTokenSource();
        budget.CancelAfter(IdleBound);
        var upstream = new UpstreamResponse(response, budget, TimeProvider.System.GetTimestamp(), "127.0.0.1:1");
        var request = new ChatCompletionRequest(ProviderKind.Custom, new Uri("http://127.0.0.1:1/v1"), "sk-test", "gpt-4o", null, [new ChatTurn("user", "Hi")], null, 16, null, null, IdleBound);
        var caller = new UpstreamCaller(Options.Create(new GatewayOptions()), TimeProvider.System, NullLogger<UpstreamCaller>.Instance);
        return new UpstreamStreamedCompletion(upstream, new OpenAiStreamParser(), request, 1_000_000, caller, new UpstreamTimer(), TimeProvider.System, CancellationToken.None);
    }

    private static async Task<List<ChatStreamEvent>> ReadAllAsync(UpstreamStreamedCompletion completion)
    {
        var events = new List<ChatStreamEvent>();
        await foreach (var item in completion.ReadAsync(Token))
        {
            events.Add(item);
        }

        return events;
    }

    private sealed class PacedStream(IReadOnlyList<string?> chunks) : ReadOnlyTestStream
    {
        private int _next;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_next == chunks.Count)
            {
                return 0;
            }

            if (chunks[_next] is not { } chunk)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }

            _next++;
            var bytes = Encoding.UTF8.GetBytes(chunk);
            bytes.CopyTo(buffer);
            return bytes.Length;
        }
    }
}
