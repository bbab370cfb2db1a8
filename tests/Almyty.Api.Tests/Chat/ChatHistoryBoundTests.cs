using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>Replay bounded by Chat:HistoryMaxTurns = 4 and Chat:HistoryMaxCharacters = 100: the newest whole messages only.</summary>
public sealed class ChatHistoryBoundTests(BoundedHistoryApiFactory factory) : IClassFixture<BoundedHistoryApiFactory>
{
    [Fact]
    public async Task Only_the_newest_turns_are_replayed_oldest_first_after_the_system_prompt()
    {
        var scenario = factory.Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "Sys" });
        var session = Guid.NewGuid();
        var questions = Enumerable.Range(1, 6).Select(i => $"q{i}").ToList();
        foreach (var question in questions)
        {
            using var response = await client.ChatAsync(provider, question, session);
            await response.ShouldSucceedAsync();
        }

        var last = scenario.Requests[^1].Messages;
        last[0].ShouldBe(("system", "Sys"));
        last[^1].ShouldBe(("user", "q6"));
        var replayed = last.Skip(1).SkipLast(1).ToList();
        var stored = questions.Take(5).SelectMany(q => new[] { ("user", q), ("assistant", Reply.EchoOf(q)) }).ToList();

        // "Turns" may count messages (4) or exchanges (8 messages); either way the newest, whole, and never the oldest.
        replayed.Count.ShouldBeOneOf(BoundedHistoryApiFactory.MaxTurns, 2 * BoundedHistoryApiFactory.MaxTurns);
        replayed.ShouldBe(stored.TakeLast(replayed.Count).ToList());
        replayed[0].Role.ShouldBe("user");
        replayed.ShouldNotContain(("user", "q1"));
    }

    [Fact]
    public async Task The_character_bound_drops_the_oldest_whole_messages_and_never_the_system_prompt()
    {
        var scenario = factory.Upstream.NewScenario();
        var client = factory.OwnerClient();
        var systemPrompt = new string('s', 150);
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = systemPrompt });
        var session = Guid.NewGuid();

        // Each exchange is 30 + 36 characters: two of them exceed the bound of 100, one fits.
        var first = "A" + new string('a', 29);
        var second = "B" + new string('b', 29);
        foreach (var message in new[] { first, second, "Third" })
        {
            using var response = await client.ChatAsync(provider, message, session);
            await response.ShouldSucceedAsync();
        }

        scenario.Requests[^1].Messages.ShouldBe(
        [
            ("system", systemPrompt),
            ("user", second),
            ("assistant", Reply.EchoOf(second)),
            ("user", "Third"),
        ]);
    }
}

/// <summary>Replay bounded by an odd Chat:HistoryMaxTurns = 3, so the cut may fall between a question and its answer.</summary>
public sealed class ChatOddHistoryBoundTests(OddHistoryBoundApiFactory factory) : IClassFixture<OddHistoryBoundApiFactory>
{
    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Replay_never_starts_with_an_assistant_message(string kind)
    {
        var scenario = factory.Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);
        var session = Guid.NewGuid();
        var questions = Enumerable.Range(1, 5).Select(i => $"question {i}").ToList();
        foreach (var question in questions)
        {
            using var response = await client.ChatAsync(provider, question, session);
            await response.ShouldSucceedAsync();
        }

        var last = scenario.Requests[^1].Messages;
        last[^1].ShouldBe(("user", "question 5"));
        var replayed = last.SkipLast(1).ToList();
        var stored = questions.Take(4).SelectMany(q => new[] { ("user", q), ("assistant", Reply.EchoOf(q)) }).ToList();
        replayed.ShouldNotBeEmpty();
        replayed[0].Role.ShouldBe("user");
        replayed.ShouldBe(stored.TakeLast(replayed.Count).ToList());
        replayed.Count.ShouldBeLessThanOrEqualTo(2 * OddHistoryBoundApiFactory.MaxTurns);
        replayed.ShouldNotContain(("user", "question 1"));
        replayed[^1].ShouldBe(("assistant", Reply.EchoOf("question 4")));
    }
}
