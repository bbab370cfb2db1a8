using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>What the API sends to an Anthropic upstream (Messages API) and what it makes of the answer.</summary>
public sealed class AnthropicWireTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task Chat_posts_to_v1_messages_with_x_api_key_and_the_api_version_and_no_authorization_header()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", "claude-sonnet-4-6");

        using var response = await client.ChatAsync(provider, "Hello, Claude");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/v1/messages");
        request.Header("x-api-key").ShouldBe(scenario.ApiKey);
        request.Header("anthropic-version").ShouldBe("2023-06-01");
        request.Header("Authorization").ShouldBeNull();
        request.Header("Content-Type").ShouldNotBeNull().ShouldStartWith("application/json");
        var body = request.Json;
        body["model"]!.GetValue<string>().ShouldBe("claude-sonnet-4-6");
        body["max_tokens"]!.GetValue<int>().ShouldBe(4096);
        request.Messages.ShouldBe([("user", "Hello, Claude")]);
        body.ContainsKey("system").ShouldBeFalse(request.RawBody);
        body.ContainsKey("stop_sequences").ShouldBeFalse(request.RawBody);
        body.ContainsKey("stop").ShouldBeFalse(request.RawBody);
        body["temperature"]!.GetValue<double>().ShouldBe(0.7);
        AnthropicShape(body);
    }

    [Fact]
    public async Task Chat_answers_with_the_text_blocks_reported_model_usage_and_cost()
    {
        var scenario = Upstream.NewScenario(Reply.Success("I can help.", model: "claude-sonnet-4-6", inputTokens: 321, outputTokens: 123));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", "claude-sonnet-4-6");

        using var response = await client.ChatAsync(provider, "Hello");

        var data = await response.ShouldSucceedAsync();
        data["message"]!["role"]!.GetValue<string>().ShouldBe("assistant");
        data["message"]!["content"]!.GetValue<string>().ShouldBe("I can help.");
        data["model"]!.GetValue<string>().ShouldBe("claude-sonnet-4-6");
        data["finishReason"]!.GetValue<string>().ShouldBe("stop");
        data["usage"]!["inputTokens"]!.GetValue<int>().ShouldBe(321);
        data["usage"]!["outputTokens"]!.GetValue<int>().ShouldBe(123);
        data["usage"]!["totalTokens"]!.GetValue<int>().ShouldBe(444);
        data["cost"].AsMoney().ShouldBe(Prices.Cost("claude-sonnet-4-6", 321, 123));
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    public async Task Stop_reason_maps_to_the_finish_reason(string stopReason, string finishReason)
    {
        var scenario = Upstream.NewScenario(Reply.Success("Done", stopReason: stopReason));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, "Go");

        (await response.ShouldSucceedAsync())["finishReason"]!.GetValue<string>().ShouldBe(finishReason);
    }

    [Fact]
    public async Task System_prompt_is_the_top_level_system_field_never_a_message()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", configuration: new JsonObject { ["systemPrompt"] = "You are a pirate." });

        using var response = await client.ChatAsync(provider, "Ahoy");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Json["system"]!.GetValue<string>().ShouldBe("You are a pirate.");
        request.Messages.ShouldBe([("user", "Ahoy")]);
        AnthropicShape(request.Json);
    }

    [Fact]
    public async Task Per_call_system_prompt_replaces_the_configured_one_in_the_system_field()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", configuration: new JsonObject { ["systemPrompt"] = "Configured." });

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Hi", ["systemPrompt"] = "Per call." });

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Json["system"]!.GetValue<string>().ShouldBe("Per call.");
        request.Messages.ShouldBe([("user", "Hi")]);
    }

    [Fact]
    public async Task Stop_becomes_stop_sequences()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Count", ["stop"] = new JsonArray("END", "###") });

        await response.ShouldSucceedAsync();
        var body = scenario.SingleRequest().Json;
        body["stop_sequences"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["END", "###"]);
        body.ContainsKey("stop").ShouldBeFalse();
    }

    [Fact]
    public async Task A_whitespace_only_stop_is_a_400_on_stop_and_is_neither_sent_nor_counted()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Count", ["stop"] = new JsonArray("END", "\n") });

        var body = await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        body["errors"]!.AsArray().ShouldHaveSingleItem()!["field"]!.GetValue<string>().ShouldBe("stop");
        scenario.Requests.Count.ShouldBe(0);
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(0);
    }

    [Fact]
    public async Task A_whitespace_only_stop_in_the_configuration_is_refused_when_the_provider_is_saved()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();

        using var response = await client.PostAsync(
            "/llm-providers",
            new StringContent(
                new JsonObject { ["name"] = "Stops", ["provider"] = "anthropic", ["apiKey"] = scenario.ApiKey, ["configuration"] = new JsonObject { ["stop"] = new JsonArray(" ") } }.ToJsonString(),
                System.Text.Encoding.UTF8,
                "application/json"),
            TestContext.Current.CancellationToken);

        var body = await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        body["errors"]!.AsArray().ShouldHaveSingleItem()!["field"]!.GetValue<string>().ShouldBe("configuration.stop");
    }

    [Fact]
    public async Task Max_tokens_comes_from_the_call_then_the_configuration()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", configuration: new JsonObject { ["maxTokens"] = 256, ["temperature"] = 0.3 });

        using (var configured = await client.ChatAsync(provider, "One"))
        {
            await configured.ShouldSucceedAsync();
        }

        using (var perCall = await client.ChatAsync(provider, new JsonObject { ["message"] = "Two", ["maxTokens"] = 64, ["temperature"] = 0.9 }))
        {
            await perCall.ShouldSucceedAsync();
        }

        var requests = scenario.Requests;
        requests.Count.ShouldBe(2);
        requests[0].Json["max_tokens"]!.GetValue<int>().ShouldBe(256);
        requests[0].Json["temperature"]!.GetValue<double>().ShouldBe(0.3);
        requests[1].Json["max_tokens"]!.GetValue<int>().ShouldBe(64);
        requests[1].Json["temperature"]!.GetValue<double>().ShouldBe(0.9);
    }

    /// <summary>Anthropic's current models answer 400 "`temperature` and `top_p` cannot both be specified for this model".</summary>
    [Fact]
    public async Task A_per_call_top_p_is_not_sent_together_with_a_temperature()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", "claude-sonnet-4-6");

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Hi", ["topP"] = 0.9 });

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Json["top_p"]!.GetValue<double>().ShouldBe(0.9);
        request.Json.ContainsKey("temperature").ShouldBeFalse($"temperature and top_p together are refused by Anthropic: {request.RawBody}");
    }

    [Fact]
    public async Task Temperature_above_one_is_refused_before_anything_is_sent()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Hi", ["temperature"] = 1.5 });

        await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Session_history_is_replayed_as_alternating_turns_starting_with_the_user()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", configuration: new JsonObject { ["systemPrompt"] = "Be kind." });
        var session = Guid.NewGuid();

        foreach (var message in new[] { "First", "Second", "Third" })
        {
            using var response = await client.ChatAsync(provider, message, session);
            await response.ShouldSucceedAsync();
        }

        var last = scenario.Requests[^1];
        last.Json["system"]!.GetValue<string>().ShouldBe("Be kind.");
        last.Messages.ShouldBe(
        [
            ("user", "First"), ("assistant", Reply.EchoOf("First")),
            ("user", "Second"), ("assistant", Reply.EchoOf("Second")),
            ("user", "Third"),
        ]);
        AnthropicShape(last.Json);
    }

    [Fact]
    public async Task Stored_history_that_does_not_alternate_is_still_sent_alternating_from_the_user()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");
        var session = Guid.NewGuid();
        foreach (var message in new[] { "Alpha", "Beta" })
        {
            using var response = await client.ChatAsync(provider, message, session);
            await response.ShouldSucceedAsync();
        }

        // Lose the first question: the stored history now opens with an assistant message.
        await factory.Database.ExecuteAsync($"DELETE FROM chat_messages WHERE session_id = '{session}' AND sequence = 1");

        using (var response = await client.ChatAsync(provider, "Gamma", session))
        {
            await response.ShouldSucceedAsync();
        }

        var last = scenario.Requests[^1];
        AnthropicShape(last.Json);
        var messages = last.Messages;
        messages[^1].ShouldBe(("user", "Gamma"));
        messages.ShouldContain(("user", "Beta"));
        messages.ShouldContain(("assistant", Reply.EchoOf("Beta")));
    }

    [Fact]
    public async Task An_empty_reply_in_the_history_is_left_out_and_the_user_turns_around_it_are_joined()
    {
        // Anthropic refuses a message without text anywhere but last; an answer with no text blocks is stored as "".
        var scenario = Upstream.NewScenario(Reply.Dynamic(request => request.Messages.Count == 1 ? Reply.Success(string.Empty) : Reply.Success()));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");
        var session = Guid.NewGuid();

        using (var first = await client.ChatAsync(provider, "First", session))
        {
            var data = await first.ShouldSucceedAsync();
            data["message"]!["content"]!.GetValue<string>().ShouldBe(string.Empty);
        }

        using (var second = await client.ChatAsync(provider, "Second", session))
        {
            await second.ShouldSucceedAsync();
        }

        var last = scenario.Requests[^1];
        last.Messages.ShouldBe([("user", "First\n\nSecond")]);
        AnthropicShape(last.Json);
    }

    [Fact]
    public async Task Anthropic_error_bodies_are_read_for_the_provider_message()
    {
        var scenario = Upstream.NewScenario(Reply.Error(404, "model: claude-nonexistent-9"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", "claude-nonexistent-9");

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldContain("model: claude-nonexistent-9");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Anthropic_authentication_error_is_provider_auth_failed()
    {
        var scenario = Upstream.NewScenario(Reply.Error(401, "invalid x-api-key"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        error.Message().ShouldContain("invalid x-api-key");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Anthropic_overloaded_forever_is_provider_unavailable_after_the_retries()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Error(529, "Overloaded"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts);
    }

    [Fact]
    public async Task Anthropic_answer_without_usage_reports_unknown_tokens()
    {
        var scenario = Upstream.NewScenario(Reply.WithoutUsage("No counts"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, "Hi");

        var usage = (await response.ShouldSucceedAsync())["usage"]!.AsObject();
        usage["inputTokens"].ShouldBeNull();
        usage["outputTokens"].ShouldBeNull();
        usage["totalTokens"].ShouldBeNull();
        usage["reported"]!.GetValue<bool>().ShouldBeFalse();
    }

    /// <summary>The Messages API's own rules: max_tokens always, system never a message, turns alternate from the user.</summary>
    private static void AnthropicShape(JsonObject body)
    {
        var text = body.ToJsonString();
        body["model"].ShouldNotBeNull(text);
        body["max_tokens"].ShouldNotBeNull(text).GetValue<int>().ShouldBeGreaterThan(0, text);
        var messages = body["messages"].ShouldNotBeNull(text).AsArray();
        messages.Count.ShouldBeGreaterThan(0, text);
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i]!["role"]!.GetValue<string>();
            role.ShouldBe(i % 2 == 0 ? "user" : "assistant", $"message {i} of {text}");
            messages[i]!["content"]!.GetValue<string>().ShouldNotBeNull();
        }

        messages[^1]!["role"]!.GetValue<string>().ShouldBe("user", text);
        if (body["system"] is { } system)
        {
            system.GetValue<string>().ShouldNotBeNullOrEmpty(text);
        }
    }
}
