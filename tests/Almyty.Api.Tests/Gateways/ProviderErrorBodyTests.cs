using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// Error bodies in shapes other than the protocol's usual error answer: a FastAPI <c>detail</c> list (vLLM and other
/// compatible servers), and an error object sent with a 2xx status, which is classified by its type as the same object
/// inside a stream is.
/// </summary>
public sealed class ProviderErrorBodyTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private const string FastApiMissingField = """{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}""";

    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("custom")]
    public async Task A_422_whose_detail_is_a_list_is_502_provider_rejected_with_the_entries_as_the_message(string kind)
    {
        var scenario = Upstream.NewScenario(Reply.Raw(422, "application/json", FastApiMissingField));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, kind == "custom" ? "llama3" : null);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldBe("The provider rejected the request: body.messages: field required");
        scenario.SingleRequest();
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_long_detail_list_names_its_first_entries_counts_the_rest_and_is_redacted_and_bounded(string kind)
    {
        var scenario = Upstream.NewScenario();
        var entries = new JsonArray
        {
            new JsonObject { ["loc"] = new JsonArray("body", "messages", 0, "content"), ["msg"] = $"bad value {scenario.ApiKey} " + new string('b', 100), ["type"] = "value_error" },
            new JsonObject { ["loc"] = new JsonArray("body", "temperature"), ["msg"] = new string('t', 600), ["type"] = "value_error" },
            new JsonObject { ["loc"] = new JsonArray("body", "top_p"), ["msg"] = new string('p', 600), ["type"] = "value_error" },
            new JsonObject { ["loc"] = new JsonArray("body", "stop"), ["msg"] = "too many", ["type"] = "value_error" },
            new JsonObject { ["loc"] = new JsonArray("body", "n"), ["msg"] = "unknown", ["type"] = "value_error" },
        };
        scenario.Then(Reply.Raw(422, "application/json", new JsonObject { ["detail"] = entries }.ToJsonString()));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.TestConnectionAsync(provider);

        var result = await response.ShouldSucceedAsync();
        result["error"]!["code"]!.GetValue<string>().ShouldBe("UPSTREAM_ERROR");
        var message = result["error"]!["message"]!.GetValue<string>();
        message.ShouldStartWith("body.messages.0.content: bad value [redacted] bbb");
        message.ShouldContain("b; body.temperature: ttt");
        message.ShouldContain("; body.top_p: ppp");
        message.ShouldNotContain("body.stop");
        message.Length.ShouldBe(500, "three long entries are cut to the bound of every message");
        result.ToJsonString().ShouldNotContain(scenario.ApiKey);
        (await client.GetProviderDataAsync(provider)).ToJsonString().ShouldNotContain(scenario.ApiKey);
    }

    [Fact]
    public async Task A_short_detail_list_is_read_whole_with_the_count_of_the_entries_left_out()
    {
        const string body = """{"detail":[{"loc":["body","model"],"msg":"field required"},{"loc":["query"],"msg":"a"},"plain text entry",{"msg":"no location"},{"loc":["body","x"],"msg":"dropped"}]}""";
        var scenario = Upstream.NewScenario(Reply.Raw(422, "application/json", body));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "llama3");

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldBe("The provider rejected the request: body.model: field required; query: a; plain text entry (and 2 more)");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_detail_string_is_still_the_message(string kind)
    {
        var scenario = Upstream.NewScenario(Reply.Raw(400, "application/json", """{"detail":"Input is too long for this model."}"""));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldBe("The provider rejected the request: Input is too long for this model.");
    }

    [Theory]
    [InlineData("openai", """{"error":{"message":"model overloaded, try again later","type":"server_error","param":null,"code":null}}""")]
    [InlineData("anthropic", """{"type":"error","error":{"type":"overloaded_error","message":"model overloaded, try again later"}}""")]
    public async Task A_200_whose_body_is_a_server_error_object_is_503_provider_unavailable_with_its_message_and_counted(string kind, string body)
    {
        var scenario = Upstream.NewScenario(Reply.Raw(200, "application/json", body));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        error.Message().ShouldBe("The provider is unavailable: model overloaded, try again later");
        scenario.SingleRequest();
        (await factory.Database.RowsAsync($"SELECT outcome FROM usage_records WHERE provider_id = '{provider}'"))
            .Single()[0].ShouldBe("PROVIDER_UNAVAILABLE");
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(1, "the provider answered: the call was sent");
    }

    [Theory]
    [InlineData("openai", "rate_limit_exceeded", "requests", HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED", "RATE_LIMITED")]
    [InlineData("openai", "invalid_api_key", "invalid_request_error", HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED", "AUTH_FAILED")]
    [InlineData("openai", null, "invalid_request_error", HttpStatusCode.BadGateway, "PROVIDER_REJECTED", "UPSTREAM_ERROR")]
    [InlineData("openai", null, "server_error", HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE", "UPSTREAM_ERROR")]
    [InlineData("anthropic", null, "rate_limit_error", HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED", "RATE_LIMITED")]
    [InlineData("anthropic", null, "authentication_error", HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED", "AUTH_FAILED")]
    [InlineData("anthropic", null, "not_found_error", HttpStatusCode.BadGateway, "PROVIDER_REJECTED", "MODEL_NOT_FOUND")]
    [InlineData("anthropic", null, "timeout_error", HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT", "TIMEOUT")]
    [InlineData("anthropic", null, "api_error", HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE", "UPSTREAM_ERROR")]
    public async Task A_200_error_object_is_classified_by_its_type_in_chat_and_in_the_connection_test(
        string kind, string? code, string type, HttpStatusCode status, string chatCode, string testCode)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Raw(200, "application/json", ErrorObject(kind, type, code, $"Refused for key {scenario.ApiKey}, sorry")));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var chat = await client.ChatAsync(provider, "Hi");
        using var test = await client.TestConnectionAsync(provider);

        var error = await chat.ShouldFailWithAsync(status, chatCode);
        error.Message().ShouldEndWith("Refused for key [redacted], sorry");
        if (status == HttpStatusCode.TooManyRequests)
        {
            chat.Headers.RetryAfter.ShouldNotBeNull("every 429 of ours says when to come back");
        }

        var result = await test.ShouldSucceedAsync();
        result["status"]!.GetValue<string>().ShouldBe("error");
        result["error"]!["code"]!.GetValue<string>().ShouldBe(testCode);
        result["error"]!["message"]!.GetValue<string>().ShouldBe("Refused for key [redacted], sorry");
        result["responseTime"].ShouldNotBeNull("the provider answered");
        var stored = await client.GetProviderDataAsync(provider);
        stored["lastError"]!.GetValue<string>().ShouldBe($"{testCode}: Refused for key [redacted], sorry");
        stored.ToJsonString().ShouldNotContain(scenario.ApiKey);
        scenario.Requests.Count.ShouldBe(2, "a 2xx is never retried, whatever its body says");
    }

    [Theory]
    [InlineData("openai", """{"error":{"type":"server_error"}}""")]
    [InlineData("anthropic", """{"type":"error","error":{"type":"overloaded_error","message":"  "}}""")]
    public async Task A_200_error_object_without_a_message_says_so(string kind, string body)
    {
        var scenario = Upstream.NewScenario(Reply.Raw(200, "application/json", body));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        error.Message().ShouldBe("The provider is unavailable: The provider answered with an error object and no message.");
    }

    [Theory]
    [InlineData("openai", """{"error":{"message":"boom","type":"server_error"}}""")]
    [InlineData("anthropic", """{"type":"error","error":{"type":"overloaded_error","message":"boom"}}""")]
    public async Task A_stream_answered_by_one_json_error_object_is_the_same_error_as_a_plain_call(string kind, string body)
    {
        var scenario = Upstream.NewScenario(Reply.Raw(200, "application/json", body));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var stream = await SseResponse.OpenAsync(client, provider, "Hi");

        var error = await stream.Response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        error.Message().ShouldBe("The provider is unavailable: boom");
        (await factory.Database.RowsAsync($"SELECT outcome FROM usage_records WHERE provider_id = '{provider}'"))
            .Single()[0].ShouldBe("PROVIDER_UNAVAILABLE");
    }

    private static string ErrorObject(string kind, string type, string? code, string message) =>
        kind == "anthropic"
            ? new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString()
            : new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code } }.ToJsonString();
}
