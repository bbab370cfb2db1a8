using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>Every upstream failure, after the resilience policy, as the contract maps it for chat.</summary>
public sealed class ChatFaultTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Upstream_auth_failure_is_502_provider_auth_failed_without_retrying(int status)
    {
        var scenario = Upstream.NewScenario(Reply.Error(status, "Incorrect API key provided."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        error.Message().ShouldContain("Incorrect API key provided.");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Unknown_model_404_is_502_provider_rejected_with_the_provider_message()
    {
        var scenario = Upstream.NewScenario(Reply.Error(404, "The model `gpt-9` does not exist or you do not have access to it."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, model: "gpt-9");

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldContain("The model `gpt-9` does not exist or you do not have access to it.");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.")]
    [InlineData(422, "Unprocessable: 'messages' is malformed.")]
    public async Task Upstream_rejection_is_502_provider_rejected_with_the_provider_message(int status, string message)
    {
        var scenario = Upstream.NewScenario(Reply.Error(status, message));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldContain(message);
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Rate_limit_with_a_long_retry_after_is_429_and_passes_the_retry_after_on()
    {
        var scenario = Upstream.NewScenario(Reply.RateLimited(120));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        response.Headers.RetryAfter.ShouldNotBeNull("Retry-After must be passed on").Delta.ShouldBe(TimeSpan.FromSeconds(120));
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Rate_limit_with_a_short_retry_after_is_retried_once_after_waiting_it_out()
    {
        var scenario = Upstream.NewScenario(Reply.RateLimited(1), Reply.Success("After the wait"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("After the wait");
        var requests = scenario.Requests;
        requests.Count.ShouldBe(2);
        Stopwatch.GetElapsedTime(requests[0].ReceivedTimestamp, requests[1].ReceivedTimestamp).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900), "the retry must honour Retry-After: 1");
        requests[1].RawBody.ShouldBe(requests[0].RawBody);
    }

    [Fact]
    public async Task Server_error_then_success_is_retried_to_a_200()
    {
        var scenario = Upstream.NewScenario(Reply.ServerError(), Reply.Success("Recovered"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("Recovered");
        scenario.Requests.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Server_error_forever_is_503_provider_unavailable_after_every_retry(int status)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.ServerError(status));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts);
    }

    [Fact]
    public async Task Upstream_slower_than_the_provider_timeout_is_504_provider_timeout_and_the_call_is_abandoned()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Delay(TimeSpan.FromSeconds(20)));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["timeoutSeconds"] = 1 });
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(8), "timeoutSeconds: 1 bounds the whole call");
        await scenario.AbortObserved.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Client_cancellation_aborts_the_upstream_request()
    {
        var scenario = Upstream.NewScenario(Reply.Hang());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(700));

        await Should.ThrowAsync<OperationCanceledException>(() => client.ChatAsync(provider, new JsonObject { ["message"] = "Never mind" }, cancellation.Token));

        var aborted = await scenario.AbortObserved.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        aborted.Aborted.ShouldBeTrue();
        scenario.Requests.Count.ShouldBe(1);

        // The request was sent, so it counts, though no tokens came back.
        await ChatApi.EventuallyAsync(
            async () => await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'") == 1,
            TimeSpan.FromSeconds(5),
            "the abandoned call is recorded once");
        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(1);
        stored["totalTokens"].AsCount().ShouldBe(0);
    }

    [Fact]
    public async Task Malformed_json_is_502_provider_invalid_response()
    {
        var scenario = Upstream.NewScenario(Reply.Malformed());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_completion_and_an_error_after_a_byte_order_mark_are_read_as_without_it()
    {
        const string Completion = """{"id":"chatcmpl-bom","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Read past the mark"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""";
        var scenario = Upstream.NewScenario(
            Reply.Raw(200, "application/json", "\uFEFF" + Completion),
            Reply.Raw(400, "application/json", "\uFEFF" + """{"error":{"message":"'temperature' is out of range.","type":"invalid_request_error"}}"""));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var answered = await client.ChatAsync(provider, "Hi");
        using var refused = await client.ChatAsync(provider, "Hi");

        (await answered.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("Read past the mark");
        (await refused.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED")).Message().ShouldContain("'temperature' is out of range.");
    }

    [Fact]
    public async Task A_200_that_is_not_a_completion_is_502_provider_invalid_response()
    {
        var scenario = Upstream.NewScenario(Reply.Raw(200, "application/json", """{"object":"list","data":[]}"""));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
    }

    [Fact]
    public async Task Missing_usage_is_200_with_unknown_token_counts()
    {
        var scenario = Upstream.NewScenario(Reply.WithoutUsage("No usage here"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "local-model");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["message"]!["content"]!.GetValue<string>().ShouldBe("No usage here");
        var usage = data["usage"]!.AsObject();
        usage.ContainsKey("inputTokens").ShouldBeTrue();
        usage["inputTokens"].ShouldBeNull();
        usage["outputTokens"].ShouldBeNull();
        usage["totalTokens"].ShouldBeNull();
        usage["reported"]!.GetValue<bool>().ShouldBeFalse();
        data["cost"].AsMoney().ShouldBe(0m);
        var totals = await client.GetProviderDataAsync(provider);
        totals["totalRequests"].AsCount().ShouldBe(1);
        totals["totalTokens"].AsCount().ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_larger_than_the_cap_is_502_provider_invalid_response(bool declareLength)
    {
        var scenario = Upstream.NewScenario(Reply.Oversized(UpstreamApiFactory.MaxResponseBytes + 16_384, declareLength));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_answer_just_under_the_cap_is_accepted()
    {
        var scenario = Upstream.NewScenario(Reply.Oversized(UpstreamApiFactory.MaxResponseBytes - 4_096));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().Length.ShouldBe(UpstreamApiFactory.MaxResponseBytes - 4_096);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed(int status)
    {
        var scenario = Upstream.NewScenario(Reply.RedirectToTrap(status));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        scenario.Requests.Count.ShouldBe(1);
        Upstream.TrapRequests(scenario).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://admin:hunter2-password@10.0.0.5/x?k=1", "redirect (302 to http://10.0.0.5/x)")]
    [InlineData("https://hunter2-password@elsewhere.example:8443/v1", "redirect (302 to https://elsewhere.example:8443/v1)")]
    [InlineData("//admin:hunter2-password@elsewhere.example/v1", "elsewhere.example/v1)")]
    public async Task A_redirect_is_reported_without_the_user_info_of_its_location(string location, string reported)
    {
        var scenario = Upstream.NewScenario(Reply.RedirectTo(location));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        error.ToJsonString().ShouldNotContain("hunter2");
        error.Message().ShouldContain(reported);
    }

    [Theory]
    [InlineData("http://elsewhere.example/keys/{key}/v1?key={key}")]
    [InlineData("/keys/{key}/v1")]
    public async Task A_redirect_whose_location_holds_the_key_is_reported_without_it(string location)
    {
        var scenario = Upstream.NewScenario(Reply.RedirectTo(location));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        error.ToJsonString().ShouldNotContain(scenario.ApiKey);
        error.Message().ShouldContain("redirect (302 to ");
        error.Message().ShouldContain("/keys/[redacted]/v1");
    }

    [Fact]
    public async Task The_key_echoed_in_an_upstream_error_is_redacted()
    {
        var scenario = Upstream.NewScenario(Reply.Error(401, "Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        var text = error.ToJsonString();
        text.ShouldNotContain(scenario.ApiKey);
        text.ShouldNotContain(scenario.Id);
        error.Message().ShouldContain("Incorrect API key provided");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_key_echoed_as_is_and_escaped_for_a_url_is_redacted_in_the_chat_error_the_test_result_and_last_error(string kind)
    {
        var scenario = Upstream.NewScenarioWithKey("AZ+key/{0}=").Always(Reply.Error(401, "raw={key} url={key:url}"));
        var escaped = Uri.EscapeDataString(scenario.ApiKey);

        foreach (var text in await AuthFailureTextsAsync(scenario, kind))
        {
            text.ShouldContain("raw=[redacted] url=[redacted]");
            text.ShouldNotContain(scenario.Id);
            text.ShouldNotContain(escaped, Case.Insensitive);
        }
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_key_echoed_without_its_prefix_is_redacted_in_the_chat_error_the_test_result_and_last_error(string kind)
    {
        var scenario = Upstream.NewScenarioWithKey("sk-ECHOSECRET-{0}").Always(Reply.Error(401, "Incorrect API key provided: {key} (also {key:unprefixed})"));

        foreach (var text in await AuthFailureTextsAsync(scenario, kind))
        {
            text.ShouldContain("Incorrect API key provided: [redacted] (also [redacted])");
            text.ShouldNotContain("ECHOSECRET");
        }
    }

    /// <summary>A chat and a connection test refused by the provider: the chat's error, the test's error and the stored lastError.</summary>
    private async Task<string[]> AuthFailureTextsAsync(UpstreamScenario scenario, string kind)
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var chat = await client.ChatAsync(provider, "Hi");
        using var test = await client.TestConnectionAsync(provider);

        var chatError = await chat.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        var testResult = await test.ShouldSucceedAsync();
        var lastError = (await client.GetProviderDataAsync(provider))["lastError"]!.GetValue<string>();
        return [chatError.Message(), testResult["error"]!["message"]!.GetValue<string>(), lastError];
    }

    [Fact]
    public async Task A_redirect_whose_location_holds_the_key_escaped_for_a_url_is_reported_without_it()
    {
        var scenario = Upstream.NewScenarioWithKey("AZ+key/{0}=", Reply.RedirectTo("/keys/{key:url}/v1"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        error.ToJsonString().ShouldNotContain(scenario.Id);
        error.Message().ShouldContain("/keys/[redacted]/v1");
    }

    [Fact]
    public async Task A_masked_key_echoed_in_an_upstream_error_is_redacted()
    {
        var scenario = Upstream.NewScenario();
        var masked = $"{scenario.ApiKey[..12]}{new string('*', 20)}{scenario.ApiKey[^4..]}";
        scenario.Then(Reply.Error(400, $"Invalid request for key {masked}: 'temperature' is out of range."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        var text = error.ToJsonString();
        text.ShouldNotContain(scenario.ApiKey[..12]);
        text.ShouldNotContain(masked);
        error.Message().ShouldContain("'temperature' is out of range.");
    }

    [Fact]
    public async Task Connection_refused_is_503_provider_unavailable()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, baseUrl: $"http://127.0.0.1:{UnusedPort()}/v1");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
    }

    [Fact]
    public async Task A_chat_that_never_got_a_connection_is_not_counted()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, baseUrl: $"http://127.0.0.1:{UnusedPort()}/v1");

        using (var response = await client.ChatAsync(provider, "Hi"))
        {
            await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        }

        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(0, "no attempt reached the provider");
        var usage = await client.GetUsageDataAsync(provider);
        usage["totals"]!["failedRequests"].AsCount().ShouldBe(0);
    }

    [Fact]
    public async Task A_chat_whose_first_attempt_reached_the_provider_counts_once_even_when_the_retry_cannot_connect()
    {
        // Answers the first connection with a 500, then stops listening: the retry finds the port closed.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeOneServerErrorThenCloseAsync(listener);
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, baseUrl: $"http://127.0.0.1:{port}/v1");

        using (var response = await client.ChatAsync(provider, "Hi"))
        {
            await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        }

        (await served).ShouldContain("POST /v1/chat/completions");
        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(1, "the first attempt reached the provider");
    }

    private static async Task<string> ServeOneServerErrorThenCloseAsync(TcpListener listener)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connection = await listener.AcceptTcpClientAsync(cancellationToken);
        listener.Stop();
        var stream = connection.GetStream();
        var received = new System.Text.StringBuilder();
        var buffer = new byte[8192];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            received.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }

        const string body = """{"error":{"message":"The server had an error.","type":"server_error"}}""";
        var reply = $"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply), cancellationToken);
        return received.ToString();
    }

    [Fact]
    public async Task An_inactive_provider_answers_409_for_chat_and_test_and_sends_nothing()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        using (var patch = await client.PatchAsync($"{ChatApi.Route}/{provider}", new StringContent("""{"status":"inactive"}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            (await patch.ShouldSucceedAsync())["status"]!.GetValue<string>().ShouldBe("inactive");
        }

        using (var chat = await client.ChatAsync(provider, "Hi"))
        {
            await chat.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        }

        using (var test = await client.TestConnectionAsync(provider))
        {
            await test.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        }

        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Chat_with_an_unknown_provider_is_404()
    {
        var client = factory.OwnerClient();

        using var response = await client.ChatAsync(Guid.NewGuid().ToString(), "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    /// <summary>A loopback port nothing listens on: bound once to learn a free number, then released.</summary>
    internal static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
