using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>Server-side sessions: created on first use, replayed oldest first, appended only on success, safe under concurrency.</summary>
public sealed class ChatSessionTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task A_new_session_id_creates_the_session_and_stores_the_exchange()
    {
        var scenario = Upstream.NewScenario();
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();

        using var response = await client.ChatAsync(provider, "Remember the number 42", session);

        var data = await response.ShouldSucceedAsync();
        data["sessionId"]!.GetValue<Guid>().ShouldBe(session);
        var rows = await factory.Database.RowsAsync($"SELECT provider_id, organization_id, message_count FROM chat_sessions WHERE id = '{session}'");
        rows.Count.ShouldBe(1);
        rows[0][0].ShouldBe(Guid.Parse(provider));
        rows[0][1].ShouldBe(organization);
        rows[0][2].ShouldBe(2);
        (await factory.Database.StoredMessagesAsync(session)).ShouldBe(
        [
            (1, "user", "Remember the number 42"),
            (2, "assistant", Reply.EchoOf("Remember the number 42")),
        ]);
    }

    [Fact]
    public async Task A_one_off_message_stores_no_conversation()
    {
        var scenario = Upstream.NewScenario();
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Just once");

        (await response.ShouldSucceedAsync())["sessionId"].ShouldBeNull();
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_sessions WHERE organization_id = '{organization}'")).ShouldBe(0);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE organization_id = '{organization}'")).ShouldBe(0);
    }

    [Fact]
    public async Task The_second_message_replays_the_first_exchange_after_the_system_prompt()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "You remember things." });
        var session = Guid.NewGuid();

        using (var first = await client.ChatAsync(provider, "My name is Ada", session))
        {
            await first.ShouldSucceedAsync();
        }

        using var second = await client.ChatAsync(provider, "What is my name?", session);

        await second.ShouldSucceedAsync();
        var requests = scenario.Requests;
        requests.Count.ShouldBe(2);
        requests[0].Messages.ShouldBe([("system", "You remember things."), ("user", "My name is Ada")]);
        requests[1].Messages.ShouldBe(
        [
            ("system", "You remember things."),
            ("user", "My name is Ada"),
            ("assistant", Reply.EchoOf("My name is Ada")),
            ("user", "What is my name?"),
        ]);
        OpenAiChatRequestSchema.ShouldConform(requests[1]);
        (await factory.Database.StoredMessagesAsync(session)).Select(m => m.Sequence).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public async Task A_per_call_system_prompt_wins_over_the_provider_system_prompt_in_a_session()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "Configured prompt." });
        var session = Guid.NewGuid();

        using (var first = await client.ChatAsync(provider, "One", session))
        {
            await first.ShouldSucceedAsync();
        }

        using var second = await client.ChatAsync(provider, new JsonObject { ["message"] = "Two", ["sessionId"] = session.ToString(), ["systemPrompt"] = "Per-call prompt." });

        await second.ShouldSucceedAsync();
        scenario.Requests[1].Messages.ShouldBe(
        [
            ("system", "Per-call prompt."),
            ("user", "One"),
            ("assistant", Reply.EchoOf("One")),
            ("user", "Two"),
        ]);
    }

    [Fact]
    public async Task A_session_without_any_system_prompt_sends_none()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();

        foreach (var message in new[] { "One", "Two" })
        {
            using var response = await client.ChatAsync(provider, message, session);
            await response.ShouldSucceedAsync();
        }

        scenario.Requests[1].Messages.ShouldBe([("user", "One"), ("assistant", Reply.EchoOf("One")), ("user", "Two")]);
    }

    [Fact]
    public async Task A_failed_upstream_call_appends_nothing_to_the_session()
    {
        var scenario = Upstream.NewScenario(Reply.Success(), Reply.Error(401, "Incorrect API key provided."), Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();

        using (var first = await client.ChatAsync(provider, "Kept", session))
        {
            await first.ShouldSucceedAsync();
        }

        using (var failed = await client.ChatAsync(provider, "Lost", session))
        {
            await failed.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        }

        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{session}'")).ShouldBe(2);
        (await factory.Database.ScalarAsync<int>($"SELECT message_count FROM chat_sessions WHERE id = '{session}'")).ShouldBe(2);

        using (var third = await client.ChatAsync(provider, "Again", session))
        {
            await third.ShouldSucceedAsync();
        }

        scenario.Requests[^1].Messages.ShouldBe([("user", "Kept"), ("assistant", Reply.EchoOf("Kept")), ("user", "Again")]);
        (await factory.Database.StoredMessagesAsync(session)).ShouldBe(
        [
            (1, "user", "Kept"),
            (2, "assistant", Reply.EchoOf("Kept")),
            (3, "user", "Again"),
            (4, "assistant", Reply.EchoOf("Again")),
        ]);
    }

    [Fact]
    public async Task A_failed_first_message_does_not_create_the_session()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.ServerError());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();

        using var response = await client.ChatAsync(provider, "Hello?", session);

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_sessions WHERE id = '{session}'")).ShouldBe(0);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{session}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_session_of_another_provider_is_a_conflict_and_nothing_is_sent()
    {
        var first = Upstream.NewScenario();
        var second = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var owner = await client.AddProviderAsync(first);
        var other = await client.AddProviderAsync(second);
        var session = Guid.NewGuid();
        using (var created = await client.ChatAsync(owner, "Mine", session))
        {
            await created.ShouldSucceedAsync();
        }

        using var response = await client.ChatAsync(other, "Borrowed", session);

        await response.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        second.Requests.ShouldBeEmpty();
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{session}'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_session_of_another_organization_is_not_found_and_nothing_is_sent()
    {
        var theirs = Upstream.NewScenario();
        var ours = Upstream.NewScenario();
        var theirClient = factory.OwnerClient();
        var ourClient = factory.OwnerClient();
        var theirProvider = await theirClient.AddProviderAsync(theirs);
        var ourProvider = await ourClient.AddProviderAsync(ours);
        var session = Guid.NewGuid();
        using (var created = await theirClient.ChatAsync(theirProvider, "Private", session))
        {
            await created.ShouldSucceedAsync();
        }

        using var response = await ourClient.ChatAsync(ourProvider, "Let me in", session);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        error.ToJsonString().ShouldNotContain("Private");
        ours.Requests.ShouldBeEmpty();
        (await factory.Database.StoredMessagesAsync(session)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_first_messages_to_one_new_session_all_succeed_in_one_consistent_order()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();
        var messages = Enumerable.Range(1, 10).Select(i => $"Concurrent message {i}").ToList();

        var responses = await Task.WhenAll(messages.Select(async message =>
        {
            using var response = await client.ChatAsync(provider, message, session);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }));

        responses.ShouldAllBe(r => r.Item1 == 200, string.Join("\n", responses.Where(r => r.Item1 != 200).Select(r => r.Item2)));
        await ShouldHoldEveryExchangeInOrderAsync(session, messages);
    }

    [Fact]
    public async Task Concurrent_messages_to_an_existing_session_all_succeed_in_one_consistent_order()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();
        using (var opening = await client.ChatAsync(provider, "Opening", session))
        {
            await opening.ShouldSucceedAsync();
        }

        var messages = Enumerable.Range(1, 10).Select(i => $"Parallel message {i}").ToList();
        var responses = await Task.WhenAll(messages.Select(async message =>
        {
            using var response = await client.ChatAsync(provider, message, session);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }));

        responses.ShouldAllBe(r => r.Item1 == 200, string.Join("\n", responses.Where(r => r.Item1 != 200).Select(r => r.Item2)));
        await ShouldHoldEveryExchangeInOrderAsync(session, ["Opening", .. messages]);
    }

    /// <summary>Every message once, sequence 1..2n without gaps, each user message immediately followed by its own reply.</summary>
    private async Task ShouldHoldEveryExchangeInOrderAsync(Guid session, List<string> sent)
    {
        var stored = await factory.Database.StoredMessagesAsync(session);
        stored.Count.ShouldBe(sent.Count * 2);
        stored.Select(m => m.Sequence).ShouldBe(Enumerable.Range(1, sent.Count * 2));
        for (var i = 0; i < stored.Count; i += 2)
        {
            stored[i].Role.ShouldBe("user");
            stored[i + 1].Role.ShouldBe("assistant");
            stored[i + 1].Content.ShouldBe(Reply.EchoOf(stored[i].Content), $"the reply at {stored[i + 1].Sequence} is not the answer to {stored[i].Sequence}");
        }

        stored.Where(m => m.Role == "user").Select(m => m.Content).ShouldBe(sent, ignoreOrder: true);
        (await factory.Database.ScalarAsync<int>($"SELECT message_count FROM chat_sessions WHERE id = '{session}'")).ShouldBe(sent.Count * 2);
    }
}
