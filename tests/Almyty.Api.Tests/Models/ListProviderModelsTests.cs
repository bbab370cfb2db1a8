using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Models;

/// <summary><c>GET /llm-providers/{id}/models</c> against fake upstreams of both wire formats.</summary>
public sealed class ListProviderModelsTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenAi_listing_is_one_get_to_base_url_models_with_the_bearer_key_and_no_body()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Method.ShouldBe("GET");
        request.Path.ShouldBe("/v1/models");
        request.Query.ShouldBeEmpty();
        request.Header("Authorization").ShouldBe($"Bearer {scenario.ApiKey}");
        request.Header("x-api-key").ShouldBeNull();
        request.Header("anthropic-version").ShouldBeNull();
        request.RawBody.ShouldBeEmpty();
        request.Header("Content-Type").ShouldBeNull();
        (request.Header("Content-Length") ?? "0").ShouldBe("0");
    }

    [Fact]
    public async Task OpenAi_models_come_back_sorted_by_id_with_their_fields_and_table_prices()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var data = await response.ShouldSucceedAsync();
        data["providerId"]!.GetValue<string>().ShouldBe(provider);
        var models = data["models"]!.AsArray().Select(m => m!.AsObject()).ToList();
        models.Select(m => m["id"]!.GetValue<string>()).ShouldBe(["ft:my-own-model", "gpt-4o", "gpt-4o-mini-2024-07-18"]);

        var gpt4o = models[1];
        gpt4o["displayName"].ShouldBeNull();
        gpt4o["createdAt"]!.GetValue<string>().ShouldBe("2024-05-13T00:00:00Z");
        gpt4o["ownedBy"]!.GetValue<string>().ShouldBe("system");
        gpt4o["priced"]!.GetValue<bool>().ShouldBeTrue();
        gpt4o["inputCostPer1M"].AsMoney().ShouldBe(Prices.All["gpt-4o"].Input);
        gpt4o["outputCostPer1M"].AsMoney().ShouldBe(Prices.All["gpt-4o"].Output);

        // A dated snapshot is priced by its family, exactly as chat prices it.
        var snapshot = models[2];
        snapshot["priced"]!.GetValue<bool>().ShouldBeTrue();
        snapshot["inputCostPer1M"].AsMoney().ShouldBe(Prices.All["gpt-4o-mini"].Input);
        snapshot["outputCostPer1M"].AsMoney().ShouldBe(Prices.All["gpt-4o-mini"].Output);

        var unknown = models[0];
        unknown["priced"]!.GetValue<bool>().ShouldBeFalse();
        unknown.ContainsKey("inputCostPer1M").ShouldBeTrue();
        unknown["inputCostPer1M"].ShouldBeNull();
        unknown["outputCostPer1M"].ShouldBeNull();
        unknown["ownedBy"]!.GetValue<string>().ShouldBe("user-abc");
        unknown["createdAt"]!.GetValue<string>().ShouldBe("2025-01-02T03:04:05Z");
    }

    [Fact]
    public async Task A_custom_provider_lists_through_the_openai_wire_under_its_own_base_url()
    {
        var scenario = Upstream.NewScenario();
        scenario.ServedModels = [new FakeModel("llama3:8b", "Llama 3", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "library")];
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "llama3:8b");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var data = await response.ShouldSucceedAsync();
        var model = data["models"]!.AsArray().Single()!.AsObject();
        model["id"]!.GetValue<string>().ShouldBe("llama3:8b");
        model["priced"]!.GetValue<bool>().ShouldBeFalse();
        model["createdAt"]!.GetValue<string>().ShouldBe("2023-11-14T22:13:20Z");
        scenario.SingleRequest().Header("Authorization").ShouldBe($"Bearer {scenario.ApiKey}");
    }

    [Fact]
    public async Task The_providers_price_overrides_apply_to_every_listed_model_as_in_chat()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", configuration: new JsonObject { ["inputCostPer1M"] = 1.25, ["outputCostPer1M"] = 4.5 });

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var models = (await response.ShouldSucceedAsync())["models"]!.AsArray();
        models.Count.ShouldBe(3);
        foreach (var model in models)
        {
            model!["priced"]!.GetValue<bool>().ShouldBeTrue();
            model["inputCostPer1M"].AsMoney().ShouldBe(1.25m);
            model["outputCostPer1M"].AsMoney().ShouldBe(4.5m);
        }
    }

    [Fact]
    public async Task A_one_sided_override_leaves_an_unknown_model_unpriced_with_the_known_side_shown()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", configuration: new JsonObject { ["inputCostPer1M"] = 0.5 });

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var models = (await response.ShouldSucceedAsync())["models"]!.AsArray().ToDictionary(m => m!["id"]!.GetValue<string>(), m => m!.AsObject());
        var unknown = models["ft:my-own-model"];
        unknown["priced"]!.GetValue<bool>().ShouldBeFalse();
        unknown["inputCostPer1M"].AsMoney().ShouldBe(0.5m);
        unknown["outputCostPer1M"].ShouldBeNull();
        var known = models["gpt-4o"];
        known["priced"]!.GetValue<bool>().ShouldBeTrue();
        known["inputCostPer1M"].AsMoney().ShouldBe(0.5m);
        known["outputCostPer1M"].AsMoney().ShouldBe(Prices.All["gpt-4o"].Output);
    }

    [Fact]
    public async Task Anthropic_listing_sends_its_key_and_version_headers_and_asks_for_the_largest_page()
    {
        var scenario = Upstream.NewScenario();
        scenario.ServedModels = [new FakeModel("claude-sonnet-4-6", "Claude Sonnet 4.6", new DateTimeOffset(2026, 2, 17, 0, 0, 0, TimeSpan.Zero))];
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var data = await response.ShouldSucceedAsync();
        var request = scenario.SingleRequest();
        request.Method.ShouldBe("GET");
        request.Path.ShouldBe("/v1/models");
        request.Query.ShouldBe("?limit=1000");
        request.Header("x-api-key").ShouldBe(scenario.ApiKey);
        request.Header("anthropic-version").ShouldBe("2023-06-01");
        request.Header("Authorization").ShouldBeNull();
        request.RawBody.ShouldBeEmpty();

        var model = data["models"]!.AsArray().Single()!.AsObject();
        model["id"]!.GetValue<string>().ShouldBe("claude-sonnet-4-6");
        model["displayName"]!.GetValue<string>().ShouldBe("Claude Sonnet 4.6");
        model["createdAt"]!.GetValue<string>().ShouldBe("2026-02-17T00:00:00Z");
        model["ownedBy"].ShouldBeNull();
        model["priced"]!.GetValue<bool>().ShouldBeTrue();
        model["inputCostPer1M"].AsMoney().ShouldBe(Prices.All["claude-sonnet-4-6"].Input);
        model["outputCostPer1M"].AsMoney().ShouldBe(Prices.All["claude-sonnet-4-6"].Output);
    }

    [Fact]
    public async Task Anthropic_pages_are_followed_with_after_id_until_has_more_is_false()
    {
        var scenario = Upstream.NewScenario();
        scenario.ServedModels = [.. Enumerable.Range(1, 5).Select(i => new FakeModel($"claude-model-{6 - i}", $"Model {6 - i}", new DateTimeOffset(2026, 1, i, 0, 0, 0, TimeSpan.Zero)))];
        scenario.ModelPageSize = 2;
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var data = await response.ShouldSucceedAsync();
        scenario.Requests.Select(r => r.Query).ShouldBe(["?limit=1000", "?limit=1000&after_id=claude-model-4", "?limit=1000&after_id=claude-model-2"]);
        scenario.Requests.ShouldAllBe(r => r.Header("x-api-key") == scenario.ApiKey && r.Header("anthropic-version") == "2023-06-01");
        data["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>())
            .ShouldBe(["claude-model-1", "claude-model-2", "claude-model-3", "claude-model-4", "claude-model-5"]);
    }

    [Fact]
    public async Task An_anthropic_listing_that_never_ends_is_refused_after_the_page_bound()
    {
        var scenario = Upstream.NewScenario().Always(ModelListing.EndlessAnthropicPages());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        error.Message().ShouldEndWith("The model list did not end within 100 pages (100 models so far).");
        scenario.Requests.Count.ShouldBe(100);
    }

    [Fact]
    public async Task An_anthropic_listing_in_small_pages_is_followed_past_twenty_pages()
    {
        var scenario = Upstream.NewScenario();
        scenario.ServedModels = [.. Enumerable.Range(1, 102).Select(i => new FakeModel($"claude-small-{i:D3}", $"Small {i}", DateTimeOffset.UnixEpoch))];
        scenario.ModelPageSize = 3;
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var data = await response.ShouldSucceedAsync();
        data["models"]!.AsArray().Count.ShouldBe(102);
        scenario.Requests.Count.ShouldBe(34);
    }

    [Fact]
    public async Task An_anthropic_listing_of_more_than_ten_thousand_models_is_refused()
    {
        var scenario = Upstream.NewScenario();
        scenario.ServedModels = [.. Enumerable.Range(1, 10_001).Select(i => new FakeModel($"claude-many-{i:D5}", $"Many {i}", DateTimeOffset.UnixEpoch))];
        scenario.ModelPageSize = 200; // the test host caps an upstream answer at 64 KB
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        error.Message().ShouldEndWith("The model list has more than 10,000 models.");
        scenario.Requests.Count.ShouldBe(51, "refused on the page that took it past 10,000, not followed to the end");
    }

    [Fact]
    public async Task A_listing_without_a_data_array_is_an_invalid_response()
    {
        var scenario = Upstream.NewScenario(Reply.Raw(200, "application/json", """{"object":"list","models":[]}"""));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_refused_key_is_502_provider_auth_failed_with_the_key_redacted(string kind)
    {
        var scenario = Upstream.NewScenario(Reply.Error(401, "Incorrect API key provided: {key}."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        error.Message().ShouldContain("Incorrect API key provided");
        error.ToJsonString().ShouldNotContain(scenario.ApiKey);
        scenario.Requests.Count.ShouldBe(1, "a 401 is not retried");
    }

    [Fact]
    public async Task A_provider_failing_with_500_is_503_provider_unavailable_after_the_retries()
    {
        var scenario = Upstream.NewScenario().Always(Reply.ServerError());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts, "the chat client's resilience pipeline retries the listing too");
    }

    [Fact]
    public async Task A_transient_500_is_retried_and_the_listing_succeeds()
    {
        var scenario = Upstream.NewScenario(Reply.ServerError());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var data = await response.ShouldSucceedAsync();
        data["models"]!.AsArray().Count.ShouldBe(ModelListing.DefaultModels.Count);
        scenario.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_rate_limit_longer_than_the_cap_is_429_with_the_providers_retry_after()
    {
        var scenario = Upstream.NewScenario(Reply.RateLimited(retryAfterSeconds: 42));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        response.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(42));
    }

    [Fact]
    public async Task A_provider_that_never_answers_is_504_provider_timeout_within_its_budget()
    {
        var scenario = Upstream.NewScenario().Always(Reply.Hang());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", configuration: new JsonObject { ["timeoutSeconds"] = 1 });
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldFailWithAsync(HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT");
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        await ChatApi.EventuallyAsync(() => Task.FromResult(scenario.Requests.Count > 0 && scenario.Requests.All(r => r.Aborted)), TimeSpan.FromSeconds(5), "the hanging listing is abandoned upstream");
    }

    [Fact]
    public async Task A_404_from_the_provider_is_502_provider_rejected()
    {
        var scenario = Upstream.NewScenario(Reply.Error(404, "Not found: this server has no model listing."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "llama3");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldContain("no model listing");
    }

    [Fact]
    public async Task A_viewer_may_list_models()
    {
        var scenario = Upstream.NewScenario();
        var organization = ChatApi.NewOrganization();
        var provider = await factory.OwnerClient(organization).AddProviderAsync(scenario, "openai");
        using var viewer = factory.ClientFor(organization, "viewer");

        using var response = await viewer.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        (await response.ShouldSucceedAsync())["models"]!.AsArray().Count.ShouldBe(3);
    }

    [Fact]
    public async Task Another_organizations_provider_is_404_and_nothing_is_sent()
    {
        var scenario = Upstream.NewScenario();
        var provider = await factory.OwnerClient().AddProviderAsync(scenario, "openai");
        var stranger = factory.OwnerClient();

        using var response = await stranger.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_inactive_provider_is_409_like_chat_and_nothing_is_sent()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");
        using (var patch = await client.PatchAsync($"{ChatApi.Route}/{provider}", new StringContent("""{"status":"inactive"}""", System.Text.Encoding.UTF8, "application/json"), Token))
        {
            await patch.ShouldSucceedAsync();
        }

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_malformed_id_is_400_and_an_unknown_one_404()
    {
        var client = factory.OwnerClient();

        using var malformed = await client.GetAsync($"{ChatApi.Route}/not-a-uuid/models", Token);
        using var unknown = await client.GetAsync($"{ChatApi.Route}/{Guid.NewGuid()}/models", Token);

        var error = await malformed.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        error["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("id");
        await unknown.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Listing_counts_no_usage_and_leaves_the_provider_unchanged()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");
        var before = await client.GetProviderDataAsync(provider);

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", Token);

        await response.ShouldSucceedAsync();
        var after = await client.GetProviderDataAsync(provider);
        after["totalRequests"].AsCount().ShouldBe(0);
        after["status"]!.GetValue<string>().ShouldBe("active");
        after["updatedAt"]!.GetValue<string>().ShouldBe(before["updatedAt"]!.GetValue<string>());
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(0);
    }
}
