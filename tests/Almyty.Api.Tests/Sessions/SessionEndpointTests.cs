using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Sessions;

/// <summary>The session resource over HTTP: create, list, get with paged messages, patch and delete, with their validation and ETags.</summary>
public sealed class SessionEndpointTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private static readonly string[] MessageFields = ["id", "role", "content", "sequence", "createdAt"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task Create_answers_201_with_location_etag_and_exactly_the_session_fields()
    {
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.PostSessionAsync(provider, new JsonObject { ["title"] = "  Trip planning  ", ["systemPrompt"] = "You plan trips." });

        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var data = JsonNode.Parse(text)!["data"]!.AsObject();
        var id = data["id"]!.GetValue<string>();
        response.Headers.Location!.OriginalString.ShouldBe($"/llm-providers/{provider}/sessions/{id}");
        response.ETag().ShouldMatch("^\"[0-9]+\"$");
        data.Members().ShouldBe(SessionsApi.SessionFields.Sorted());
        data["providerId"]!.GetValue<string>().ShouldBe(provider);
        data["title"]!.GetValue<string>().ShouldBe("Trip planning");
        data["systemPrompt"]!.GetValue<string>().ShouldBe("You plan trips.");
        data["messageCount"]!.GetValue<int>().ShouldBe(0);
        data["totalTokens"]!.GetValue<long>().ShouldBe(0);
        data["totalCost"].AsMoney().ShouldBe(0m);
        data["createdAt"]!.GetValue<string>().ShouldEndWith("Z");
        data["updatedAt"]!.GetValue<string>().ShouldBe(data["createdAt"]!.GetValue<string>());
        data["lastActivityAt"]!.GetValue<string>().ShouldBe(data["createdAt"]!.GetValue<string>());

        var row = (await factory.Database.SessionRowAsync(id)).ShouldNotBeNull();
        row[0].ShouldBe(0);
        row[3].ShouldBe("Trip planning");
        row[4].ShouldBe("You plan trips.");
        row[5].ShouldBe(Guid.Parse(provider));
        row[6].ShouldBe(organization);

        // The location answers with the same session and the same ETag.
        using var read = await client.GetAsync(response.Headers.Location, Token);
        var readData = await read.ShouldSucceedAsync();
        read.ETag().ShouldBe(response.ETag());
        readData["title"]!.GetValue<string>().ShouldBe("Trip planning");
    }

    [Fact]
    public async Task Create_without_a_body_or_with_an_empty_object_makes_an_untitled_session()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var bodiless = await client.PostAsync(SessionsApi.Url(provider), content: null, Token);
        using var empty = await client.PostSessionAsync(provider, new JsonObject());

        foreach (var response in new[] { bodiless, empty })
        {
            var text = await response.Content.ReadAsStringAsync(Token);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            var data = JsonNode.Parse(text)!["data"]!.AsObject();
            data["title"].ShouldBeNull();
            data["systemPrompt"].ShouldBeNull();
            data.ContainsKey("title").ShouldBeTrue("an absent title is written as null, not left out");
        }

        (await client.ListSessionsDataAsync(provider))["total"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("""{"title":""}""", "title")]
    [InlineData("""{"title":"   "}""", "title")]
    [InlineData("""{"title":"Line\nbreak"}""", "title")]
    [InlineData("""{"title":"Line\u2028separator"}""", "title")]
    [InlineData("""{"title":5}""", "title")]
    [InlineData("""{"systemPrompt":""}""", "systemPrompt")]
    [InlineData("""{"systemPrompt":" \n "}""", "systemPrompt")]
    [InlineData("""{"systemPrompt":["a"]}""", "systemPrompt")]
    [InlineData("""{"name":"Not a session field"}""", "name")]
    [InlineData("""{"Title":"Case matters"}""", "Title")]
    [InlineData("""{"title":"a","title":"b"}""", "title")]
    [InlineData("title=Form", "body")]
    public async Task Create_refuses_an_invalid_body_naming_the_field_and_stores_nothing(string json, string field)
    {
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.SendJsonAsync(HttpMethod.Post, SessionsApi.Url(provider), json);

        await response.ShouldBeValidationErrorAsync(field);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_sessions WHERE organization_id = '{organization}'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("null")]
    [InlineData(" null ")]
    [InlineData("[1]")]
    [InlineData("\"str\"")]
    [InlineData("0")]
    public async Task Create_with_a_json_body_that_is_not_an_object_null_included_is_a_400_on_body(string json)
    {
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.SendJsonAsync(HttpMethod.Post, SessionsApi.Url(provider), json);

        var error = await response.ShouldBeValidationErrorAsync("body");
        error["message"]!.GetValue<string>().ShouldBe("The request body must be a JSON object.");
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_sessions WHERE organization_id = '{organization}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Create_with_an_empty_json_body_is_no_body_and_makes_a_session()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.SendJsonAsync(HttpMethod.Post, SessionsApi.Url(provider), string.Empty);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Create_accepts_a_title_of_200_characters_and_a_system_prompt_of_32000_and_refuses_one_more()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        var longest = await client.CreateSessionAsync(provider, " " + new string('t', 200) + " ", new string('p', 32_000));
        longest.Data["title"]!.GetValue<string>().Length.ShouldBe(200);
        longest.Data["systemPrompt"]!.GetValue<string>().Length.ShouldBe(32_000);

        using var title = await client.PostSessionAsync(provider, new JsonObject { ["title"] = new string('t', 201) });
        (await title.ShouldBeValidationErrorAsync("title")).Message().ShouldBe("'title' must be 1 to 200 characters after trimming; send null for no title.");

        using var prompt = await client.PostSessionAsync(provider, new JsonObject { ["systemPrompt"] = new string('p', 32_001) });
        (await prompt.ShouldBeValidationErrorAsync("systemPrompt")).Message().ShouldBe("'systemPrompt' must be at most 32000 characters.");
    }

    [Fact]
    public async Task Create_for_a_provider_that_does_not_exist_is_404()
    {
        var client = factory.OwnerClient();

        using var response = await client.PostSessionAsync(Guid.NewGuid().ToString(), new JsonObject { ["title"] = "Orphan" });

        (await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message().ShouldStartWith("Provider '");
    }

    [Theory]
    [InlineData("GET", "not-a-uuid", null, "id")]
    [InlineData("POST", "not-a-uuid", null, "id")]
    [InlineData("GET", "{provider}", "42", "sessionId")]
    [InlineData("PATCH", "{provider}", "42", "sessionId")]
    [InlineData("DELETE", "{provider}", "{00000000000000000000000000000000}", "sessionId")]
    [InlineData("GET", "0199", "{session}", "id")]
    public async Task A_non_uuid_id_in_the_path_is_a_400_naming_it(string method, string providerId, string? sessionId, string field)
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider);
        var url = SessionsApi.Url(providerId.Replace("{provider}", provider, StringComparison.Ordinal));
        if (sessionId is not null)
        {
            url += "/" + sessionId.Replace("{session}", session.Id, StringComparison.Ordinal);
        }

        using var response = await client.SendJsonAsync(new HttpMethod(method), url, method is "POST" or "PATCH" ? "{}" : null);

        (await response.ShouldBeValidationErrorAsync(field)).Message().ShouldBe($"'{field}' must be a UUID.");
    }

    [Fact]
    public async Task List_orders_by_latest_activity_then_id_and_pages_without_overlap()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var created = new List<CreatedSession>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await client.CreateSessionAsync(provider, $"Session {i}"));
        }

        // Activity moves the oldest session to the top.
        using (var chat = await client.ChatAsync(provider, "Wake up", created[0].SessionId))
        {
            await chat.ShouldSucceedAsync();
        }

        var expected = await ExpectedOrderAsync(created.Select(c => c.Id));
        expected[0].ShouldBe(created[0].Id);

        var all = await client.ListSessionsDataAsync(provider);
        all.SessionIds().ShouldBe(expected);
        all["total"]!.GetValue<int>().ShouldBe(5);
        all["page"]!.GetValue<int>().ShouldBe(1);
        all["limit"]!.GetValue<int>().ShouldBe(20);
        all["totalPages"]!.GetValue<int>().ShouldBe(1);
        foreach (var session in all["sessions"]!.AsArray())
        {
            session!.AsObject().Members().ShouldBe(SessionsApi.SessionFields.Sorted());
        }

        var first = await client.ListSessionsDataAsync(provider, "page=1&limit=2");
        var second = await client.ListSessionsDataAsync(provider, "page=2&limit=2");
        var third = await client.ListSessionsDataAsync(provider, "page=3&limit=2");
        var past = await client.ListSessionsDataAsync(provider, "page=4&limit=2");
        first.SessionIds().Concat(second.SessionIds()).Concat(third.SessionIds()).ShouldBe(expected);
        third.SessionIds().Count.ShouldBe(1);
        past.SessionIds().ShouldBeEmpty();
        foreach (var page in new[] { first, second, third, past })
        {
            page["total"]!.GetValue<int>().ShouldBe(5);
            page["limit"]!.GetValue<int>().ShouldBe(2);
            page["totalPages"]!.GetValue<int>().ShouldBe(3);
        }

        var far = await client.ListSessionsDataAsync(provider, $"page={int.MaxValue}&limit=100");
        far.SessionIds().ShouldBeEmpty();
        far["page"]!.GetValue<int>().ShouldBe(int.MaxValue);
    }

    [Fact]
    public async Task List_shows_only_the_providers_own_sessions_and_an_empty_list_for_a_provider_without_any()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var other = await client.AddProviderAsync(Upstream.NewScenario());
        var mine = await client.CreateSessionAsync(provider, "Mine");
        await client.CreateSessionAsync(other, "Theirs");

        (await client.ListSessionsDataAsync(provider)).SessionIds().ShouldBe([mine.Id]);

        var third = await client.AddProviderAsync(Upstream.NewScenario());
        var empty = await client.ListSessionsDataAsync(third);
        empty.SessionIds().ShouldBeEmpty();
        empty["total"]!.GetValue<int>().ShouldBe(0);
        empty["totalPages"]!.GetValue<int>().ShouldBe(0);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("page=0&limit=0", "page", "limit")]
    public async Task List_refuses_an_out_of_range_or_malformed_page_or_limit(string query, params string[] fields)
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.ListSessionsAsync(provider, query);

        await response.ShouldBeValidationErrorAsync(fields);
    }

    [Fact]
    public async Task List_of_a_provider_that_does_not_exist_is_404()
    {
        var client = factory.OwnerClient();

        using var response = await client.ListSessionsAsync(Guid.NewGuid().ToString());

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Get_returns_the_messages_oldest_first_in_pages()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = await client.CreateSessionAsync(provider, "Numbers");
        foreach (var message in new[] { "one", "two", "three" })
        {
            using var chat = await client.ChatAsync(provider, message, session.SessionId);
            await chat.ShouldSucceedAsync();
        }

        var whole = await client.GetSessionDataAsync(provider, session.Id);
        whole.Select(p => p.Key).Except(["messages", "messagesPage"]).Sorted().ShouldBe(SessionsApi.SessionFields.Sorted());
        whole["messageCount"]!.GetValue<int>().ShouldBe(6);
        var messages = whole["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        messages.Select(m => (m["sequence"]!.GetValue<int>(), m["role"]!.GetValue<string>(), m["content"]!.GetValue<string>())).ShouldBe(
        [
            (1, "user", "one"), (2, "assistant", Reply.EchoOf("one")),
            (3, "user", "two"), (4, "assistant", Reply.EchoOf("two")),
            (5, "user", "three"), (6, "assistant", Reply.EchoOf("three")),
        ]);
        messages[0].Select(p => p.Key).Sorted().ShouldBe(MessageFields.Sorted());
        var stored = await factory.Database.RowsAsync($"SELECT id FROM chat_messages WHERE session_id = '{session.Id}' ORDER BY sequence");
        messages.Select(m => m["id"]!.GetValue<Guid>()).ShouldBe(stored.Select(r => (Guid)r[0]!));
        whole["messagesPage"]!.ToJsonString().ShouldBe("""{"page":1,"limit":100,"total":6,"totalPages":1}""");

        var second = await client.GetSessionDataAsync(provider, session.Id, "page=2&limit=4");
        second["messages"]!.AsArray().Select(m => m!["sequence"]!.GetValue<int>()).ShouldBe([5, 6]);
        second["messagesPage"]!.ToJsonString().ShouldBe("""{"page":2,"limit":4,"total":6,"totalPages":2}""");

        var past = await client.GetSessionDataAsync(provider, session.Id, "page=3&limit=4");
        past["messages"]!.AsArray().ShouldBeEmpty();
        past["messageCount"]!.GetValue<int>().ShouldBe(6);
    }

    [Theory]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("page=0", "page")]
    [InlineData("page=x", "page")]
    public async Task Get_refuses_an_out_of_range_message_page(string query, string field)
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider);

        using var response = await client.GetSessionAsync(provider, session.Id, query);

        await response.ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task Get_accepts_the_largest_message_page()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider);

        var data = await client.GetSessionDataAsync(provider, session.Id, "limit=500");

        data["messagesPage"]!.ToJsonString().ShouldBe("""{"page":1,"limit":500,"total":0,"totalPages":0}""");
    }

    [Fact]
    public async Task Patch_renames_clears_and_leaves_absent_members_alone()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Before", "Prompt before.");

        using var renamed = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "  After  " });
        var data = await renamed.ShouldSucceedAsync();
        data["title"]!.GetValue<string>().ShouldBe("After");
        data["systemPrompt"]!.GetValue<string>().ShouldBe("Prompt before.");
        data.Members().ShouldBe(SessionsApi.SessionFields.Sorted());
        renamed.ETag().ShouldNotBe(session.ETag);
        DateTimeOffset.Parse(data["updatedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(DateTimeOffset.Parse(session.Data["updatedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        data["lastActivityAt"]!.GetValue<string>().ShouldBe(session.Data["lastActivityAt"]!.GetValue<string>(), "a rename is not activity");
        data["createdAt"]!.GetValue<string>().ShouldBe(session.Data["createdAt"]!.GetValue<string>());

        using var prompt = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["systemPrompt"] = "Prompt after." });
        (await prompt.ShouldSucceedAsync())["title"]!.GetValue<string>().ShouldBe("After");

        using var cleared = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = null, ["systemPrompt"] = null });
        var clearedData = await cleared.ShouldSucceedAsync();
        clearedData["title"].ShouldBeNull();
        clearedData["systemPrompt"].ShouldBeNull();

        var row = (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();
        row[3].ShouldBeNull();
        row[4].ShouldBeNull();
        (await client.GetSessionDataAsync(provider, session.Id))["title"].ShouldBeNull();
    }

    [Fact]
    public async Task Patch_with_an_empty_object_changes_nothing_and_keeps_the_etag()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Stable");

        using var response = await client.PatchSessionAsync(provider, session.Id, new JsonObject(), session.ETag);

        var data = await response.ShouldSucceedAsync();
        response.ETag().ShouldBe(session.ETag);
        data.ToJsonString().ShouldBe(session.Data.ToJsonString());
    }

    [Theory]
    [InlineData("""{"title":"ok","colour":"blue"}""", "colour")]
    [InlineData("""{"messageCount":0}""", "messageCount")]
    [InlineData("""{"title":""}""", "title")]
    [InlineData("""{"title":true}""", "title")]
    [InlineData("""{"systemPrompt":""}""", "systemPrompt")]
    [InlineData("""{"systemPrompt":1}""", "systemPrompt")]
    [InlineData("not json", "body")]
    public async Task Patch_refuses_an_invalid_body_naming_the_field_and_changes_nothing(string json, string field)
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Untouched", "Untouched prompt.");

        using var response = await client.PatchSessionRawAsync(provider, session.Id, json);

        await response.ShouldBeValidationErrorAsync(field);
        var row = (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();
        row[3].ShouldBe("Untouched");
        row[4].ShouldBe("Untouched prompt.");
    }

    [Fact]
    public async Task Patch_and_delete_honour_if_match()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Versioned");

        using var first = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "First" }, session.ETag);
        await first.ShouldSucceedAsync();
        var current = first.ETag();

        using var stale = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Lost update" }, session.ETag);
        await stale.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        (await factory.Database.SessionRowAsync(session.Id))![3].ShouldBe("First");

        using var weak = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Weak" }, "W/" + current);
        await weak.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");

        using var either = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Second" }, $"{session.ETag}, {current}");
        await either.ShouldSucceedAsync();
        var latest = either.ETag();

        using var staleDelete = await client.DeleteSessionAsync(provider, session.Id, current);
        await staleDelete.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();

        using var deleted = await client.DeleteSessionAsync(provider, session.Id, latest);
        await deleted.ShouldSucceedAsync();
    }

    [Fact]
    public async Task Any_if_match_is_unconditional()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Any");

        using var response = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Star" }, "*");

        (await response.ShouldSucceedAsync())["title"]!.GetValue<string>().ShouldBe("Star");
    }

    [Fact]
    public async Task Delete_removes_the_session_and_its_messages_and_keeps_the_usage_records()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = await client.CreateSessionAsync(provider, "Short-lived");
        var keep = await client.CreateSessionAsync(provider, "Kept");
        foreach (var target in new[] { session, keep })
        {
            using var chat = await client.ChatAsync(provider, "Hello", target.SessionId);
            await chat.ShouldSucceedAsync();
        }

        var usageBefore = await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE session_id = '{session.Id}'");
        usageBefore.ShouldBe(1);
        var providerBefore = await client.GetProviderDataAsync(provider);

        using var response = await client.DeleteSessionAsync(provider, session.Id);

        (await response.ShouldSucceedAsync()).ToJsonString().ShouldBe($$"""{"id":"{{session.Id}}","deleted":true}""");
        (await factory.Database.SessionRowAsync(session.Id)).ShouldBeNull();
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{session.Id}'")).ShouldBe(0);
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE session_id = '{session.Id}'")).ShouldBe(usageBefore);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{keep.Id}'")).ShouldBe(2);

        var providerAfter = await client.GetProviderDataAsync(provider);
        providerAfter["totalRequests"].AsCount().ShouldBe(providerBefore["totalRequests"].AsCount());
        providerAfter["totalTokens"].AsCount().ShouldBe(providerBefore["totalTokens"].AsCount());
        providerAfter["totalCost"].AsMoney().ShouldBe(providerBefore["totalCost"].AsMoney());

        using var gone = await client.GetSessionAsync(provider, session.Id);
        (await gone.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message().ShouldBe($"Session '{session.Id}' was not found.");
        using var again = await client.DeleteSessionAsync(provider, session.Id);
        await again.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        (await client.ListSessionsDataAsync(provider)).SessionIds().ShouldBe([keep.Id]);
    }

    [Fact]
    public async Task Deleting_the_provider_removes_its_sessions()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(provider, "Goes with the provider");

        using (var deleted = await client.DeleteProviderAsync(provider))
        {
            await deleted.ShouldSucceedAsync();
        }

        (await factory.Database.SessionRowAsync(session.Id)).ShouldBeNull();
        using var response = await client.GetSessionAsync(provider, session.Id);
        (await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message().ShouldStartWith("Provider '");
    }

    [Fact]
    public async Task No_session_response_carries_the_provider_key_or_its_hint()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var hint = (await client.GetProviderDataAsync(provider))["apiKeyHint"]!.GetValue<string>();
        var bodies = new List<string>();

        using (var created = await client.PostSessionAsync(provider, new JsonObject { ["title"] = "Secret-free" }))
        {
            bodies.Add(await created.Content.ReadAsStringAsync(Token));
        }

        var id = JsonNode.Parse(bodies[0])!["data"]!["id"]!.GetValue<string>();
        using (var chat = await client.ChatAsync(provider, "Hi", Guid.Parse(id)))
        {
            await chat.ShouldSucceedAsync();
        }

        foreach (var response in new[]
        {
            await client.ListSessionsAsync(provider),
            await client.GetSessionAsync(provider, id),
            await client.PatchSessionAsync(provider, id, new JsonObject { ["title"] = "Renamed" }),
            await client.PatchSessionRawAsync(provider, id, """{"apiKey":"x"}"""),
            await client.DeleteSessionAsync(provider, id),
        })
        {
            using (response)
            {
                bodies.Add(await response.Content.ReadAsStringAsync(Token));
            }
        }

        foreach (var body in bodies)
        {
            body.ShouldNotContain(scenario.ApiKey);
            body.ShouldNotContain(hint);
            body.ShouldNotContain("apiKeyHint");
        }
    }

    /// <summary>The database's own order for these sessions: last activity, then id, both descending.</summary>
    private async Task<List<string>> ExpectedOrderAsync(IEnumerable<string> ids)
    {
        var list = string.Join(", ", ids.Select(id => $"'{Guid.Parse(id)}'"));
        var rows = await factory.Database.RowsAsync($"SELECT id FROM chat_sessions WHERE id IN ({list}) ORDER BY last_activity_at DESC, id DESC");
        return rows.Select(r => ((Guid)r[0]!).ToString()).ToList();
    }
}
