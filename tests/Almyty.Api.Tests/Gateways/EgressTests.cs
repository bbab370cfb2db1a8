using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// An API with the default egress policy (no allowance): a provider whose stored URL leads to loopback is refused at
/// connect time, after DNS resolution, and the fake upstream listening there never hears of it.
/// </summary>
public sealed class EgressTests(NoLoopbackApiFactory factory) : IClassFixture<NoLoopbackApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task A_loopback_base_url_is_refused_when_the_provider_is_created()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();

        using var response = await client.PostAsync(ChatApi.Route, Json(new JsonObject
        {
            ["name"] = $"loopback {Guid.NewGuid():N}",
            ["provider"] = "custom",
            ["apiKey"] = scenario.ApiKey,
            ["model"] = "llama3",
            ["baseUrl"] = Upstream.OpenAiBaseUrl,
        }), TestContext.Current.CancellationToken);

        await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("0.0.0.0")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::ffff:0:127.0.0.1]")]
    [InlineData("[64:ff9b:1::7f00:1]")]
    [InlineData("127.1")]
    [InlineData("127.0.0.1.")]
    public async Task Chat_to_a_stored_url_that_leads_to_loopback_is_400_egress_blocked_and_nothing_is_sent(string host)
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await AddPublicProviderThenPointItAtAsync(client, scenario, $"http://{host}:{Upstream.Port}/v1");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED");
        scenario.Requests.ShouldBeEmpty();
        Upstream.Requests.ShouldNotContain(r => r.ApiKey == scenario.ApiKey);
        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(0, "a refused call never left the service");
    }

    [Fact]
    public async Task Test_connection_to_a_refused_address_reports_egress_blocked_and_nothing_is_sent()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await AddPublicProviderThenPointItAtAsync(client, scenario, Upstream.OpenAiBaseUrl);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("EGRESS_BLOCKED");
        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Anthropic_chat_to_a_refused_address_is_400_egress_blocked()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic", baseUrl: "https://api.anthropic.com");
        await factory.Database.ExecuteAsync($"UPDATE llm_providers SET base_url = '{Upstream.AnthropicBaseUrl}' WHERE id = '{provider}'");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED");
        scenario.Requests.ShouldBeEmpty();
    }

    /// <summary>Creates the provider on a public URL (allowed), then changes the stored URL behind the API's back.</summary>
    private async Task<string> AddPublicProviderThenPointItAtAsync(HttpClient client, UpstreamScenario scenario, string baseUrl)
    {
        var provider = await client.AddProviderAsync(scenario, "custom", "llama3", baseUrl: "https://api.openai.com/v1");
        await factory.Database.ExecuteAsync($"UPDATE llm_providers SET base_url = '{baseUrl}' WHERE id = '{provider}'");
        return provider;
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
