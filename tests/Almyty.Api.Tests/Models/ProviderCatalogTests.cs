using System.Net;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Models;

/// <summary><c>GET /llm-providers/catalog</c>: the kinds, their defaults and the price table, and a route that <c>/{id}</c> does not take.</summary>
public sealed class ProviderCatalogTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string[] ContractOpenAiModels = ["gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "o1", "o3"];
    private static readonly string[] ContractAnthropicModels = ["claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_catalog_lists_the_three_kinds_with_their_defaults()
    {
        using var response = await factory.OwnerClient().GetAsync($"{ChatApi.Route}/catalog", Token);

        var providers = (await response.ShouldSucceedAsync())["providers"]!.AsArray().Select(p => p!.AsObject()).ToList();
        providers.Select(p => p["provider"]!.GetValue<string>()).ShouldBe(["openai", "anthropic", "custom"]);

        providers[0]["defaultBaseUrl"]!.GetValue<string>().ShouldBe("https://api.openai.com/v1");
        providers[0]["defaultModel"]!.GetValue<string>().ShouldBe("gpt-4o");
        providers[0]["requiresBaseUrl"]!.GetValue<bool>().ShouldBeFalse();

        providers[1]["defaultBaseUrl"]!.GetValue<string>().ShouldBe("https://api.anthropic.com");
        providers[1]["defaultModel"]!.GetValue<string>().ShouldBe("claude-sonnet-4-6");
        providers[1]["requiresBaseUrl"]!.GetValue<bool>().ShouldBeFalse();

        var custom = providers[2];
        custom.ContainsKey("defaultBaseUrl").ShouldBeTrue();
        custom["defaultBaseUrl"].ShouldBeNull();
        custom["defaultModel"].ShouldBeNull();
        custom["requiresBaseUrl"]!.GetValue<bool>().ShouldBeTrue();
        custom["models"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_model_of_the_price_table_is_listed_once_under_its_kind_with_its_prices()
    {
        using var response = await factory.OwnerClient().GetAsync($"{ChatApi.Route}/catalog", Token);

        var providers = (await response.ShouldSucceedAsync())["providers"]!.AsArray();
        var listed = providers
            .SelectMany(p => p!["models"]!.AsArray().Select(m => (Kind: p["provider"]!.GetValue<string>(), Model: m!.AsObject())))
            .ToList();
        listed.Select(x => x.Model["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ShouldBe(Prices.All.Keys.Order(StringComparer.Ordinal));
        foreach (var (kind, model) in listed)
        {
            var id = model["id"]!.GetValue<string>();
            model["inputCostPer1M"].AsMoney().ShouldBe(Prices.All[id].Input, id);
            model["outputCostPer1M"].AsMoney().ShouldBe(Prices.All[id].Output, id);
            kind.ShouldBe(id.StartsWith("claude-", StringComparison.Ordinal) ? "anthropic" : "openai", id);
        }

        foreach (var provider in providers)
        {
            var ids = provider!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
            ids.ShouldBe([.. ids.Order(StringComparer.Ordinal)], "sorted by id");
        }

        // The contract's table of models is covered.
        var openAi = providers[0]!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        ContractOpenAiModels.ShouldBeSubsetOf(openAi);
        var anthropic = providers[1]!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        ContractAnthropicModels.ShouldBeSubsetOf(anthropic);
    }

    [Fact]
    public async Task A_viewer_may_read_the_catalog_and_an_anonymous_caller_may_not()
    {
        using var viewer = factory.ClientFor(ChatApi.NewOrganization(), "viewer");
        using var anonymous = factory.CreateClient();

        using var allowed = await viewer.GetAsync($"{ChatApi.Route}/catalog", Token);
        using var refused = await anonymous.GetAsync($"{ChatApi.Route}/catalog", Token);

        (await allowed.ShouldSucceedAsync())["providers"]!.AsArray().Count.ShouldBe(3);
        await refused.ShouldFailWithAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task The_catalog_route_is_not_taken_by_the_id_route_and_a_non_uuid_id_still_answers_400()
    {
        var client = factory.OwnerClient();

        using var catalog = await client.GetAsync($"{ChatApi.Route}/catalog", Token);
        using var notAnId = await client.GetAsync($"{ChatApi.Route}/not-a-uuid", Token);
        using var almost = await client.GetAsync($"{ChatApi.Route}/catalogue", Token);

        (await catalog.ShouldSucceedAsync()).ContainsKey("providers").ShouldBeTrue();
        var error = await notAnId.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        error["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("id");
        (await almost.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR"))["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("id");
    }
}
