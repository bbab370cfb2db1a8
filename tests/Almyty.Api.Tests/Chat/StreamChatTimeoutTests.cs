using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>
/// A stream's time bounds: the provider's <c>timeoutSeconds</c> bounds the wait for the response headers and then each
/// silence between its bytes, never the whole stream; the attempt timeout ends at the headers.
/// </summary>
public sealed class StreamChatTimeoutTests(ShortTimeoutStreamingApiFactory factory) : IClassFixture<ShortTimeoutStreamingApiFactory>
{
    private static readonly JsonObject OneSecond = new() { ["timeoutSeconds"] = 1 };

    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_stream_longer_than_every_timeout_completes_while_the_provider_keeps_sending(string kind)
    {
        var pieces = Enumerable.Range(0, 7).Select(i => $"piece {i} ").ToList();
        var scenario = Upstream.NewScenario(StreamReply.Stream(new StreamPlan { Pieces = pieces, Interval = TimeSpan.FromMilliseconds(400) }));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, configuration: OneSecond.DeepClone().AsObject());
        var started = Stopwatch.GetTimestamp();

        using var stream = await SseResponse.OpenAsync(client, provider, "Take a while");
        var events = await stream.ShouldBeEventStream().ReadAllAsync();

        Stopwatch.GetElapsedTime(started).ShouldBeGreaterThan(TimeSpan.FromSeconds(2), "the stream outlived the 1 s timeout and the 1 s attempt timeout");
        events.Select(e => e.Event).ShouldBe([.. pieces.Select(_ => "delta"), "done"]);
        events[^1].Json["message"]!["content"]!.GetValue<string>().ShouldBe(string.Concat(pieces));
        events[^1].Json["responseTime"]!.GetValue<int>().ShouldBeGreaterThan(2_000);
        scenario.SingleRequest();
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_provider_silent_after_its_finish_but_before_its_end_marker_has_given_a_whole_answer(string kind)
    {
        var scenario = Upstream.NewScenario(StreamReply.Stream(new StreamPlan { Pieces = ["All ", "said"], Ending = StreamEnding.HangAfterFinish }));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, configuration: OneSecond.DeepClone().AsObject());
        var session = Guid.NewGuid();

        using var stream = await SseResponse.OpenAsync(client, provider, "Hi", session);
        var events = await stream.ShouldBeEventStream().ReadAllAsync();

        events.Select(e => e.Event).ShouldBe(["delta", "delta", "done"]);
        events[^1].Json["finishReason"]!.GetValue<string>().ShouldBe("stop");
        (await scenario.AbortObserved.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Aborted.ShouldBeTrue("the silent connection is closed");
        (await factory.Database.StoredMessagesAsync(session)).Select(m => m.Content).ShouldBe(["Hi", "All said"]);
        (await factory.Database.RowsAsync($"SELECT outcome FROM usage_records WHERE provider_id = '{provider}'")).Single()[0].ShouldBe("success");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_provider_silent_for_longer_than_its_timeout_mid_stream_ends_it_with_a_timeout_error(string kind)
    {
        var scenario = Upstream.NewScenario(StreamReply.Stream(new StreamPlan { Pieces = ["Hmm"], Ending = StreamEnding.Hang }));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, configuration: OneSecond.DeepClone().AsObject());
        var session = Guid.NewGuid();

        using var stream = await SseResponse.OpenAsync(client, provider, "Hi", session);
        var events = await stream.ShouldBeEventStream().ReadAllAsync();

        events.Select(e => e.Event).ShouldBe(["delta", "error"]);
        events[1].Json["error"]!.GetValue<string>().ShouldBe("PROVIDER_TIMEOUT");
        events[1].Json["message"]!.GetValue<string>().ShouldContain("sent nothing for 1 s");
        (await scenario.AbortObserved.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Aborted.ShouldBeTrue();
        (await factory.Database.StoredMessagesAsync(session)).ShouldBeEmpty();
        (await factory.Database.RowsAsync($"SELECT outcome FROM usage_records WHERE provider_id = '{provider}'")).Single()[0].ShouldBe("PROVIDER_TIMEOUT");
    }

    [Fact]
    public async Task A_provider_that_sends_no_headers_within_its_timeout_is_a_plain_504()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Hang());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: OneSecond.DeepClone().AsObject());

        using var stream = await SseResponse.OpenAsync(client, provider, "Hi");

        var body = await stream.Response.ShouldFailWithAsync(HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT");
        body.Message().ShouldContain("No answer within 1 s.");
    }
}
