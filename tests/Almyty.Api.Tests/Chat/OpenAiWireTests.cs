using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>What the API sends to an OpenAI (or OpenAI-compatible) upstream and what it makes of the answer.</summary>
public sealed class OpenAiWireTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task Chat_posts_to_chat_completions_with_the_bearer_key_and_the_platform_defaults()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hello, what can you do?");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/v1/chat/completions");
        request.Header("Authorization").ShouldBe($"Bearer {scenario.ApiKey}");
        request.Header("x-api-key").ShouldBeNull();
        request.Header("Content-Type").ShouldNotBeNull().ShouldStartWith("application/json");
        var body = request.Json;
        body["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        request.Messages.ShouldBe([("user", "Hello, what can you do?")]);
        body["max_completion_tokens"]!.GetValue<int>().ShouldBe(4096);
        body.ContainsKey("max_tokens").ShouldBeFalse(request.RawBody);
        body["temperature"]!.GetValue<double>().ShouldBe(0.7);
        body["top_p"]!.GetValue<double>().ShouldBe(1.0);
        body.ContainsKey("stop").ShouldBeFalse(request.RawBody);
        body.ContainsKey("stream").ShouldBeFalse(request.RawBody);
        OpenAiChatRequestSchema.ShouldConform(request);
    }

    [Fact]
    public async Task Chat_answers_with_the_reply_the_reported_model_finish_reason_usage_cost_and_response_time()
    {
        var scenario = Upstream.NewScenario(Reply.Success("Quite a lot.", model: "gpt-4o-2024-08-06", inputTokens: 120, outputTokens: 30));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hello");

        var data = await response.ShouldSucceedAsync();
        data["sessionId"].ShouldBeNull();
        data.ContainsKey("sessionId").ShouldBeTrue();
        data["message"]!["role"]!.GetValue<string>().ShouldBe("assistant");
        data["message"]!["content"]!.GetValue<string>().ShouldBe("Quite a lot.");
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o-2024-08-06");
        data["finishReason"]!.GetValue<string>().ShouldBe("stop");
        data["usage"]!["inputTokens"]!.GetValue<int>().ShouldBe(120);
        data["usage"]!["outputTokens"]!.GetValue<int>().ShouldBe(30);
        data["usage"]!["totalTokens"]!.GetValue<int>().ShouldBe(150);
        data["cost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o", 120, 30));
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
        data["responseTime"]!.GetValueKind().ShouldBe(JsonValueKind.Number);
        data["responseTime"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Response_time_includes_the_time_the_upstream_took()
    {
        var scenario = Upstream.NewScenario(Reply.Delay(TimeSpan.FromMilliseconds(300)));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Take your time");

        var data = await response.ShouldSucceedAsync();
        data["responseTime"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(280);
        response.Headers.TryGetValues("X-Almyty-Overhead-Ms", out var overhead).ShouldBeTrue("every response carries the overhead header");
        double.Parse(overhead!.Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Length_finish_reason_is_passed_on()
    {
        var scenario = Upstream.NewScenario(Reply.Success("Cut sho", stopReason: "length"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Write a novel");

        (await response.ShouldSucceedAsync())["finishReason"]!.GetValue<string>().ShouldBe("length");
    }

    [Fact]
    public async Task Custom_provider_sends_max_tokens_instead_of_max_completion_tokens()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "llama-3.1-8b-instruct");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Path.ShouldBe("/v1/chat/completions");
        request.Header("Authorization").ShouldBe($"Bearer {scenario.ApiKey}");
        var body = request.Json;
        body["model"]!.GetValue<string>().ShouldBe("llama-3.1-8b-instruct");
        body["max_tokens"]!.GetValue<int>().ShouldBe(4096);
        body.ContainsKey("max_completion_tokens").ShouldBeFalse(request.RawBody);
        body["temperature"]!.GetValue<double>().ShouldBe(0.7);
        body["top_p"]!.GetValue<double>().ShouldBe(1.0);
        OpenAiChatRequestSchema.ShouldConform(request);
    }

    [Fact]
    public async Task Provider_system_prompt_goes_first_as_a_system_message()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "You are terse." });

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Messages.ShouldBe([("system", "You are terse."), ("user", "Hi")]);
        OpenAiChatRequestSchema.ShouldConform(request);
    }

    [Fact]
    public async Task No_system_message_is_sent_when_no_system_prompt_is_set()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldSucceedAsync();
        scenario.SingleRequest().Messages.ShouldAllBe(m => m.Role != "system");
    }

    [Fact]
    public async Task Provider_configuration_wins_over_the_platform_defaults()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject
        {
            ["temperature"] = 0.2,
            ["topP"] = 0.5,
            ["maxTokens"] = 100,
            ["stop"] = new JsonArray("CFG"),
        });

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        var body = request.Json;
        body["temperature"]!.GetValue<double>().ShouldBe(0.2);
        body["top_p"]!.GetValue<double>().ShouldBe(0.5);
        body["max_completion_tokens"]!.GetValue<int>().ShouldBe(100);
        Strings(body["stop"]).ShouldBe(["CFG"]);
        OpenAiChatRequestSchema.ShouldConform(request);
    }

    [Fact]
    public async Task Per_call_values_win_over_the_provider_configuration()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, model: "gpt-4o", configuration: new JsonObject
        {
            ["temperature"] = 0.2,
            ["topP"] = 0.5,
            ["maxTokens"] = 100,
            ["systemPrompt"] = "From the configuration.",
            ["stop"] = new JsonArray("CFG"),
        });

        using var response = await client.ChatAsync(provider, new JsonObject
        {
            ["message"] = "Hi",
            ["model"] = "gpt-4o-mini",
            ["temperature"] = 1.3,
            ["topP"] = 0.9,
            ["maxTokens"] = 50,
            ["systemPrompt"] = "From the call.",
            ["stop"] = new JsonArray("END", "STOP"),
        });

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        var body = request.Json;
        body["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        body["temperature"]!.GetValue<double>().ShouldBe(1.3);
        body["top_p"]!.GetValue<double>().ShouldBe(0.9);
        body["max_completion_tokens"]!.GetValue<int>().ShouldBe(50);
        Strings(body["stop"]).ShouldBe(["END", "STOP"]);
        request.Messages.ShouldBe([("system", "From the call."), ("user", "Hi")]);
        OpenAiChatRequestSchema.ShouldConform(request);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task A_blank_per_call_system_prompt_sends_none_instead_of_the_configured_one(string blank)
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = "From the configuration." });

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Hi", ["systemPrompt"] = blank });

        await response.ShouldSucceedAsync();
        scenario.SingleRequest().Messages.ShouldBe([("user", "Hi")]);
    }

    [Fact]
    public async Task A_blank_configured_system_prompt_sends_none()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["systemPrompt"] = string.Empty });

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldSucceedAsync();
        scenario.SingleRequest().Messages.ShouldBe([("user", "Hi")]);
    }

    [Theory]
    [InlineData("openai", "o1")]
    [InlineData("openai", "o3")]
    [InlineData("custom", "o3")]
    public async Task Reasoning_models_get_max_completion_tokens_and_no_sampling_parameters(string kind, string model)
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, model, new JsonObject { ["temperature"] = 0.3, ["topP"] = 0.8, ["maxTokens"] = 2000 });

        using var response = await client.ChatAsync(provider, "Think hard");

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        var body = request.Json;
        body["model"]!.GetValue<string>().ShouldBe(model);
        body["max_completion_tokens"]!.GetValue<int>().ShouldBe(2000);
        body.ContainsKey("max_tokens").ShouldBeFalse(request.RawBody);
        body.ContainsKey("temperature").ShouldBeFalse(request.RawBody);
        body.ContainsKey("top_p").ShouldBeFalse(request.RawBody);
        OpenAiChatRequestSchema.ShouldConform(request);
    }

    [Fact]
    public async Task Per_call_reasoning_model_on_a_gpt_provider_drops_the_sampling_parameters()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Think", ["model"] = "o1", ["temperature"] = 0.5, ["topP"] = 0.5 });

        await response.ShouldSucceedAsync();
        var body = scenario.SingleRequest().Json;
        body["model"]!.GetValue<string>().ShouldBe("o1");
        body.ContainsKey("max_completion_tokens").ShouldBeTrue();
        body.ContainsKey("temperature").ShouldBeFalse();
        body.ContainsKey("top_p").ShouldBeFalse();
    }

    /// <summary>The spec's StopConfiguration: "Not supported with latest reasoning models o3 and o4-mini".</summary>
    [Fact]
    public async Task Reasoning_model_o3_is_never_sent_the_stop_parameter_it_does_not_support()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "o3", new JsonObject { ["stop"] = new JsonArray("END") });

        using var response = await client.ChatAsync(provider, "Think");

        if (response.StatusCode == HttpStatusCode.OK)
        {
            var request = scenario.SingleRequest();
            request.Json.ContainsKey("stop").ShouldBeFalse($"o3 refuses 'stop', but the API sent: {request.RawBody}");
        }
        else
        {
            await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            scenario.Requests.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Custom_provider_without_a_model_needs_one_in_the_request()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(new JsonObject
        {
            ["name"] = $"custom {Guid.NewGuid():N}",
            ["provider"] = "custom",
            ["apiKey"] = scenario.ApiKey,
            ["baseUrl"] = Upstream.OpenAiBaseUrl,
        });

        using (var refused = await client.ChatAsync(provider, "Hi"))
        {
            await refused.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        }

        scenario.Requests.ShouldBeEmpty();

        using var response = await client.ChatAsync(provider, new JsonObject { ["message"] = "Hi", ["model"] = "qwen2.5" });
        await response.ShouldSucceedAsync();
        scenario.SingleRequest().Json["model"]!.GetValue<string>().ShouldBe("qwen2.5");
    }

    [Fact]
    public void Schema_reader_finds_the_members_of_create_chat_completion_request()
    {
        OpenAiChatRequestSchema.Required.ShouldBe(["model", "messages"], ignoreOrder: true);
        foreach (var member in new[] { "model", "messages", "max_completion_tokens", "max_tokens", "temperature", "top_p", "stop", "stream", "n", "tools" })
        {
            OpenAiChatRequestSchema.Properties.ShouldContain(member);
        }

        OpenAiChatRequestSchema.Properties.ShouldNotContain("max_output_tokens");
        OpenAiChatRequestSchema.Violations(JsonNode.Parse("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"temperature":3,"maxTokens":5}""")).Count.ShouldBe(2);
    }

    private static List<string> Strings(JsonNode? node) => node.ShouldNotBeNull().AsArray().Select(s => s!.GetValue<string>()).ToList();
}
