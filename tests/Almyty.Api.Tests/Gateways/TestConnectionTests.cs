using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary><c>POST /llm-providers/{id}/test</c>: a real minimal probe, always 200 once the provider is found, with a classified verdict.</summary>
public sealed class TestConnectionTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private const int HandfulOfTokens = 16;

    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task A_working_provider_tests_ok_with_its_model_and_response_time_and_is_marked_active()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("ok");
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        data["responseTime"]!.GetValueKind().ShouldBe(JsonValueKind.Number);
        data["responseTime"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        data.ContainsKey("error").ShouldBeFalse(data.ToJsonString());

        var request = scenario.SingleRequest();
        request.Path.ShouldBe("/v1/chat/completions");
        request.Header("Authorization").ShouldBe($"Bearer {scenario.ApiKey}");
        request.Json["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        request.Messages.Count.ShouldBe(1);
        request.Messages[0].Role.ShouldBe("user");
        OpenAiChatRequestSchema.ShouldConform(request);

        var stored = await client.GetProviderDataAsync(provider);
        stored["status"]!.GetValue<string>().ShouldBe("active");
        stored["lastTestedAt"].ShouldNotBeNull();
        stored["lastError"].ShouldBeNull();
    }

    [Theory]
    [InlineData("openai", "max_completion_tokens")]
    [InlineData("custom", "max_tokens")]
    [InlineData("anthropic", "max_tokens")]
    public async Task The_probe_asks_for_only_a_handful_of_output_tokens(string kind, string member)
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, kind == "custom" ? "llama3" : null, new JsonObject { ["maxTokens"] = 8000 });

        using var response = await client.TestConnectionAsync(provider);

        (await response.ShouldSucceedAsync())["status"]!.GetValue<string>().ShouldBe("ok");
        var request = scenario.SingleRequest();
        request.Path.ShouldBe(kind == "anthropic" ? "/v1/messages" : "/v1/chat/completions");
        var tokens = request.Json[member].ShouldNotBeNull(request.RawBody).GetValue<int>();
        tokens.ShouldBeInRange(1, HandfulOfTokens);
        if (kind == "anthropic")
        {
            request.Header("x-api-key").ShouldBe(scenario.ApiKey);
            request.Header("anthropic-version").ShouldBe("2023-06-01");
        }
        else
        {
            OpenAiChatRequestSchema.ShouldConform(request);
        }
    }

    [Fact]
    public async Task An_auth_failure_reports_auth_failed_and_marks_the_provider_in_error_until_a_later_test_passes()
    {
        var scenario = Upstream.NewScenario(Reply.Error(401, "Incorrect API key provided."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using (var response = await client.TestConnectionAsync(provider))
        {
            var data = await response.ShouldSucceedAsync();
            data["status"]!.GetValue<string>().ShouldBe("error");
            data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
            data["responseTime"]!.GetValueKind().ShouldBe(JsonValueKind.Number);
            data["error"]!["code"]!.GetValue<string>().ShouldBe("AUTH_FAILED");
            data["error"]!["message"]!.GetValue<string>().ShouldContain("Incorrect API key provided.");
        }

        var failed = await client.GetProviderDataAsync(provider);
        failed["status"]!.GetValue<string>().ShouldBe("error");
        failed["lastTestedAt"].ShouldNotBeNull();
        failed["lastError"].ShouldNotBeNull().GetValue<string>().ShouldNotBeNullOrWhiteSpace();

        using (var retest = await client.TestConnectionAsync(provider))
        {
            (await retest.ShouldSucceedAsync())["status"]!.GetValue<string>().ShouldBe("ok");
        }

        var recovered = await client.GetProviderDataAsync(provider);
        recovered["status"]!.GetValue<string>().ShouldBe("active");
        recovered["lastError"].ShouldBeNull();
    }

    [Fact]
    public async Task A_403_reports_auth_failed()
    {
        await ShouldReportAsync(Reply.Error(403, "You are not allowed to sample from this model"), "AUTH_FAILED");
    }

    [Fact]
    public async Task An_unknown_model_reports_model_not_found()
    {
        var data = await ShouldReportAsync(Reply.Error(404, "The model `gpt-4o` does not exist or you do not have access to it."), "MODEL_NOT_FOUND");
        data["error"]!["message"]!.GetValue<string>().ShouldContain("does not exist");
    }

    [Fact]
    public async Task A_long_rate_limit_reports_rate_limited()
    {
        await ShouldReportAsync(Reply.RateLimited(120), "RATE_LIMITED", expectedRequests: 1);
    }

    [Fact]
    public async Task A_server_failing_every_attempt_reports_upstream_error()
    {
        await ShouldReportAsync(Reply.ServerError(), "UPSTREAM_ERROR", always: true, expectedRequests: 1 + UpstreamApiFactory.MaxRetryAttempts);
    }

    [Fact]
    public async Task A_malformed_answer_reports_invalid_response()
    {
        await ShouldReportAsync(Reply.Malformed(), "INVALID_RESPONSE");
    }

    [Fact]
    public async Task A_timeout_reports_timeout_with_no_response_time()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Hang());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["timeoutSeconds"] = 1 });

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("TIMEOUT");
        data.ContainsKey("responseTime").ShouldBeTrue(data.ToJsonString());
        data["responseTime"].ShouldBeNull();
        (await client.GetProviderDataAsync(provider))["status"]!.GetValue<string>().ShouldBe("error");
    }

    [Fact]
    public async Task A_refused_connection_reports_connection_failed()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, baseUrl: $"http://127.0.0.1:{ChatFaultTests.UnusedPort()}/v1");

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("CONNECTION_FAILED");
        data["error"]!["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        (await client.GetProviderDataAsync(provider))["lastError"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("application/json", 498)] // the 500-character cut of the message
    [InlineData("application/json", 483)] // the 500-character cut of lastError, behind its "UPSTREAM_ERROR: "
    [InlineData("text/plain", 199)] // the 200-character excerpt of a body that is not JSON
    public async Task An_error_text_cut_at_a_character_outside_the_basic_plane_keeps_it_whole_and_is_stored(string contentType, int before)
    {
        // Each cut falls in the middle of an emoji's two UTF-16 units: half of one would not encode, and nothing could be stored.
        const string emoji = "\U0001F525";
        var text = new string('x', before) + string.Concat(Enumerable.Repeat(emoji, 300));
        var body = contentType == "application/json" ? System.Text.Json.JsonSerializer.Serialize(new { error = new { message = text } }) : text;
        var scenario = Upstream.NewScenario(Reply.Raw(400, contentType, body));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.TestConnectionAsync(provider);

        var message = (await response.ShouldSucceedAsync())["error"]!["message"]!.GetValue<string>();
        message.ShouldContain(emoji);
        WellFormed(message).ShouldBeTrue(message);
        var lastError = (await client.GetProviderDataAsync(provider))["lastError"]!.GetValue<string>();
        lastError.ShouldStartWith("UPSTREAM_ERROR: ");
        WellFormed(lastError).ShouldBeTrue(lastError);
    }

    private static bool WellFormed(string text) =>
        System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)) == text;

    [Fact]
    public async Task The_error_message_is_the_provider_text_redacted_and_at_most_500_characters()
    {
        var scenario = Upstream.NewScenario(Reply.Error(401, "Incorrect API key provided: {key}. " + new string('z', 2000)));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        var message = data["error"]!["message"]!.GetValue<string>();
        message.ShouldStartWith("Incorrect API key provided");
        message.Length.ShouldBeLessThanOrEqualTo(500);
        data.ToJsonString().ShouldNotContain(scenario.ApiKey);
        var stored = await client.GetProviderDataAsync(provider);
        stored.ToJsonString().ShouldNotContain(scenario.ApiKey);
        stored["lastError"]!.GetValue<string>().ShouldContain("Incorrect API key provided");
    }

    [Fact]
    public async Task Connection_tests_do_not_change_the_usage_totals()
    {
        var scenario = Upstream.NewScenario(Reply.Success(inputTokens: 500, outputTokens: 5), Reply.Error(401, "Bad key"), Reply.ServerError(), Reply.Success(inputTokens: 500, outputTokens: 5));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.TestConnectionAsync(provider);
            await response.ShouldSucceedAsync();
        }

        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(0);
        stored["totalTokens"].AsCount().ShouldBe(0);
        stored["totalCost"].AsMoney().ShouldBe(0m);
        stored["lastUsedAt"].ShouldBeNull();
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(0);
    }

    [Fact]
    public async Task An_unknown_provider_is_404()
    {
        var client = factory.OwnerClient();

        using var response = await client.TestConnectionAsync(Guid.NewGuid().ToString());

        await response.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    private async Task<JsonObject> ShouldReportAsync(UpstreamBehaviour behaviour, string code, bool always = false, int expectedRequests = 1)
    {
        var scenario = Upstream.NewScenario();
        if (always)
        {
            scenario.Always(behaviour);
        }
        else
        {
            scenario.Then(behaviour);
        }

        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error", data.ToJsonString());
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        data["error"]!["code"]!.GetValue<string>().ShouldBe(code, data.ToJsonString());
        data["error"]!["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        scenario.Requests.Count.ShouldBe(expectedRequests);

        var stored = await client.GetProviderDataAsync(provider);
        stored["status"]!.GetValue<string>().ShouldBe("error");
        stored["lastTestedAt"].ShouldNotBeNull();
        stored["lastError"].ShouldNotBeNull().GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        return data;
    }
}
