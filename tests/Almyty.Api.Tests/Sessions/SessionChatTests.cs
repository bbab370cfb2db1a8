using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Sessions;

/// <summary>Sessions and chat together: the same sessions either way, figures that agree with chat, usage and the database, and no lost writes.</summary>
public sealed class SessionChatTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task A_session_created_through_the_endpoint_works_with_chat_like_one_chat_created()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "Provider prompt." });
        var made = await client.CreateSessionAsync(provider, "Made first");
        var implicitSession = Guid.NewGuid();

        foreach (var session in new[] { made.SessionId, implicitSession })
        {
            foreach (var message in new[] { "First", "Second" })
            {
                using var chat = await client.ChatAsync(provider, message, session);
                (await chat.ShouldSucceedAsync())["sessionId"]!.GetValue<Guid>().ShouldBe(session);
            }
        }

        var requests = scenario.Requests;
        requests.Count.ShouldBe(4);
        requests[1].Messages.ShouldBe([("system", "Provider prompt."), ("user", "First"), ("assistant", Reply.EchoOf("First")), ("user", "Second")]);
        requests[3].Messages.ShouldBe(requests[1].Messages);

        var list = await client.ListSessionsDataAsync(provider);
        list.SessionIds().ShouldBe([implicitSession.ToString(), made.Id]);
        var sessions = list["sessions"]!.AsArray().Select(s => s!.AsObject()).ToList();
        sessions[0]["title"].ShouldBeNull();
        sessions[1]["title"]!.GetValue<string>().ShouldBe("Made first");
        foreach (var session in sessions)
        {
            session["messageCount"]!.GetValue<int>().ShouldBe(4);
            session["providerId"]!.GetValue<string>().ShouldBe(provider);
        }
    }

    [Fact]
    public async Task The_sessions_own_system_prompt_is_sent_and_a_per_call_one_still_wins()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "Provider prompt." });
        var session = await client.CreateSessionAsync(provider, systemPrompt: "Session prompt.");

        using (var first = await client.ChatAsync(provider, "One", session.SessionId))
        {
            await first.ShouldSucceedAsync();
        }

        using (var perCall = await client.ChatAsync(provider, new JsonObject { ["message"] = "Two", ["sessionId"] = session.Id, ["systemPrompt"] = "Per-call prompt." }))
        {
            await perCall.ShouldSucceedAsync();
        }

        using (var changed = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["systemPrompt"] = "Changed prompt." }))
        {
            await changed.ShouldSucceedAsync();
        }

        using (var third = await client.ChatAsync(provider, "Three", session.SessionId))
        {
            await third.ShouldSucceedAsync();
        }

        using (var cleared = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["systemPrompt"] = null }))
        {
            await cleared.ShouldSucceedAsync();
        }

        using (var fourth = await client.ChatAsync(provider, "Four", session.SessionId))
        {
            await fourth.ShouldSucceedAsync();
        }

        var systems = scenario.Requests.Select(r => r.Messages[0]).ToList();
        systems.ShouldBe(
        [
            ("system", "Session prompt."),
            ("system", "Per-call prompt."),
            ("system", "Changed prompt."),
            ("system", "Provider prompt."),
        ]);

        // The history is untouched by prompt changes: four exchanges, in order.
        (await factory.Database.StoredMessagesAsync(session.SessionId)).Where(m => m.Role == "user").Select(m => m.Content).ShouldBe(["One", "Two", "Three", "Four"]);
    }

    [Fact]
    public async Task Session_figures_match_the_chat_responses_the_usage_records_the_provider_totals_and_the_database()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Dynamic(request =>
        {
            // Usage that depends on the message, so a wrong sum cannot pass by accident.
            var length = request.Messages[^1].Content.Length;
            return Reply.Success(inputTokens: 100 + length, outputTokens: 10 + (length * 3));
        }));
        scenario.Then(Reply.Success(), Reply.Success(), Reply.Success(), Reply.Error(401, "Incorrect API key provided."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, model: "gpt-4o-mini");
        var session = await client.CreateSessionAsync(provider, "Counted");
        var other = await client.CreateSessionAsync(provider, "Elsewhere");

        long tokens = 0;
        decimal cost = 0m;
        var successes = 0;
        foreach (var message in new[] { "a", "bb", "ccc", "fails", "dddd", "eeeee" })
        {
            using var chat = await client.ChatAsync(provider, message, session.SessionId);
            if (message == "fails")
            {
                await chat.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
                continue;
            }

            var data = await chat.ShouldSucceedAsync();
            tokens += data["usage"]!["totalTokens"].AsCount();
            cost += data["cost"].AsMoney();
            successes++;
        }

        using (var elsewhere = await client.ChatAsync(provider, "not counted here", other.SessionId))
        {
            await elsewhere.ShouldSucceedAsync();
        }

        tokens.ShouldBeGreaterThan(0);
        cost.ShouldBeGreaterThan(0m);

        var read = await client.GetSessionDataAsync(provider, session.Id);
        read["messageCount"]!.GetValue<int>().ShouldBe(successes * 2);
        read["totalTokens"]!.GetValue<long>().ShouldBe(tokens);
        read["totalCost"].AsMoney().ShouldBe(cost);
        read["messagesPage"]!["total"]!.GetValue<int>().ShouldBe(successes * 2);

        var listed = (await client.ListSessionsDataAsync(provider))["sessions"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == session.Id)!;
        listed["messageCount"]!.GetValue<int>().ShouldBe(successes * 2);
        listed["totalTokens"]!.GetValue<long>().ShouldBe(tokens);
        listed["totalCost"].AsMoney().ShouldBe(cost);
        listed["lastActivityAt"]!.GetValue<string>().ShouldBe(read["lastActivityAt"]!.GetValue<string>());

        var row = (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();
        row[0].ShouldBe(successes * 2);
        row[1].ShouldBe(tokens);
        ((decimal)row[2]!).ShouldBe(cost);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{session.Id}'")).ShouldBe(successes * 2);

        // The usage records of the session: every call, the failed one too, adding up to the same tokens and cost.
        var usage = (await factory.Database.RowsAsync(
            $"SELECT count(*), coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0), coalesce(sum(cost), 0) FROM usage_records WHERE session_id = '{session.Id}'"))[0];
        usage[0].ShouldBe(6L);
        usage[1].ShouldBe(tokens);
        ((decimal)usage[2]!).ShouldBe(cost);

        // The provider's totals are the two sessions' together.
        var otherRead = await client.GetSessionDataAsync(provider, other.Id);
        var providerData = await client.GetProviderDataAsync(provider);
        providerData["totalTokens"].AsCount().ShouldBe(tokens + otherRead["totalTokens"]!.GetValue<long>());
        providerData["totalCost"].AsMoney().ShouldBe(cost + otherRead["totalCost"].AsMoney());
        providerData["totalRequests"].AsCount().ShouldBe(7);
    }

    [Fact]
    public async Task A_rename_during_a_chat_keeps_both_the_new_title_and_the_exchange()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scenario = Upstream.NewScenario(async exchange =>
        {
            await gate.Task.WaitAsync(exchange.Aborted);
            await Reply.Success()(exchange);
        });
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = await client.CreateSessionAsync(provider, "Old title");

        var chat = client.ChatAsync(provider, "In flight", session.SessionId);
        await ChatApi.EventuallyAsync(() => Task.FromResult(scenario.Requests.Count == 1), TimeSpan.FromSeconds(10), "the chat reached the upstream");

        using (var renamed = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "New title" }, session.ETag))
        {
            await renamed.ShouldSucceedAsync();
        }

        gate.SetResult();
        using (var answered = await chat)
        {
            await answered.ShouldSucceedAsync();
        }

        var data = await client.GetSessionDataAsync(provider, session.Id);
        data["title"]!.GetValue<string>().ShouldBe("New title");
        data["messageCount"]!.GetValue<int>().ShouldBe(2);
        data["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ShouldBe(["In flight", Reply.EchoOf("In flight")]);
    }

    [Fact]
    public async Task An_etag_read_before_a_chat_append_no_longer_matches_after_it()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Moving target");
        using (var chat = await client.ChatAsync(provider, "Changes the counters", session.SessionId))
        {
            await chat.ShouldSucceedAsync();
        }

        using var stale = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Stale" }, session.ETag);

        await stale.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        using var fresh = await client.GetSessionAsync(provider, session.Id);
        await fresh.ShouldSucceedAsync();
        using var current = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Current" }, fresh.ETag());
        (await current.ShouldSucceedAsync())["messageCount"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_renames_and_chats_on_one_session_all_succeed_and_lose_nothing()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = await client.CreateSessionAsync(provider, "Busy");
        var titles = Enumerable.Range(1, 8).Select(i => $"Title {i}").ToList();
        var messages = Enumerable.Range(1, 8).Select(i => $"Message {i}").ToList();

        var work = titles.Select(async title =>
            {
                using var response = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = title });
                return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Token));
            })
            .Concat(messages.Select(async message =>
            {
                using var response = await client.ChatAsync(provider, message, session.SessionId);
                return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Token));
            }));
        var results = await Task.WhenAll(work);

        results.ShouldAllBe(r => r.Item1 == 200, string.Join("\n", results.Where(r => r.Item1 != 200).Select(r => r.Item2)));
        var row = (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();
        row[0].ShouldBe(messages.Count * 2);
        titles.ShouldContain((string)row[3]!);
        var stored = await factory.Database.StoredMessagesAsync(session.SessionId);
        stored.Select(m => m.Sequence).ShouldBe(Enumerable.Range(1, messages.Count * 2));
        stored.Where(m => m.Role == "user").Select(m => m.Content).ShouldBe(messages, ignoreOrder: true);
        row[1].ShouldBe((long)messages.Count * (Reply.DefaultInputTokens + Reply.DefaultOutputTokens));
    }

    [Fact]
    public async Task A_session_deleted_while_a_chat_is_answered_is_not_brought_back_and_the_call_still_counts()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scenario = Upstream.NewScenario(Reply.Success(), async exchange =>
        {
            await gate.Task.WaitAsync(exchange.Aborted);
            await Reply.Success()(exchange);
        });
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = await client.CreateSessionAsync(provider, "Doomed");
        using (var opening = await client.ChatAsync(provider, "Opening", session.SessionId))
        {
            await opening.ShouldSucceedAsync();
        }

        var chat = client.ChatAsync(provider, "Too late", session.SessionId);
        await ChatApi.EventuallyAsync(() => Task.FromResult(scenario.Requests.Count == 2), TimeSpan.FromSeconds(10), "the second chat reached the upstream");
        using (var deleted = await client.DeleteSessionAsync(provider, session.Id))
        {
            await deleted.ShouldSucceedAsync();
        }

        gate.SetResult();
        using (var answered = await chat)
        {
            (await answered.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT")).Message()
                .ShouldBe($"Session '{session.Id}' was deleted while this message was being answered; the reply was not stored.");
        }

        (await factory.Database.SessionRowAsync(session.Id)).ShouldBeNull();
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{session.Id}'")).ShouldBe(0);
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE session_id = '{session.Id}'")).ShouldBe(2);
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(2);
    }
}
