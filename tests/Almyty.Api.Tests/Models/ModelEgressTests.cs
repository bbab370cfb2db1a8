using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Models;

/// <summary>Model listings go through the same egress check as chat: a stored URL that leads to loopback is refused at connect time.</summary>
public sealed class ModelEgressTests(NoLoopbackApiFactory factory) : IClassFixture<NoLoopbackApiFactory>
{
    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Listing_models_at_a_refused_address_is_400_egress_blocked_and_nothing_is_sent(string kind)
    {
        var upstream = factory.Upstream;
        var scenario = upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, baseUrl: kind == "anthropic" ? "https://api.anthropic.com" : "https://api.openai.com/v1");
        var stored = kind == "anthropic" ? upstream.AnthropicBaseUrl : upstream.OpenAiBaseUrl;
        await factory.Database.ExecuteAsync($"UPDATE llm_providers SET base_url = '{stored}' WHERE id = '{provider}'");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/models", TestContext.Current.CancellationToken);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED");
        error["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("baseUrl");
        scenario.Requests.ShouldBeEmpty();
        upstream.Requests.ShouldNotContain(r => r.ApiKey == scenario.ApiKey);
    }
}
