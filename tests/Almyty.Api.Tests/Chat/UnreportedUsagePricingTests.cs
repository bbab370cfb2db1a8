using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>
/// A provider that reports no token counts leaves nothing to price: <c>priced</c> is false even for a model the price
/// table lists or one with configured prices, the cost is 0, and the usage record says the same.
/// </summary>
public sealed class UnreportedUsagePricingTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("openai", "gpt-4o")]
    [InlineData("openai", "gpt-4o-mini")]
    [InlineData("anthropic", "claude-sonnet-4-6")]
    public async Task A_listed_model_answering_without_usage_is_not_priced_and_costs_nothing(string kind, string model)
    {
        Prices.All.ContainsKey(model).ShouldBeTrue($"{model} must be in the shipped table for this test to mean anything");
        var scenario = Upstream.NewScenario(Reply.WithoutUsage("Counted nothing"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, model);

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["message"]!["content"]!.GetValue<string>().ShouldBe("Counted nothing");
        data["usage"]!["reported"]!.GetValue<bool>().ShouldBeFalse();
        data["priced"]!.GetValue<bool>().ShouldBeFalse(data.ToJsonString());
        data["cost"].AsMoney().ShouldBe(0m);
        await ShouldBeRecordedUnpricedAsync(provider);
    }

    [Fact]
    public async Task A_model_with_configured_prices_answering_without_usage_is_not_priced()
    {
        var scenario = Upstream.NewScenario(Reply.WithoutUsage());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "local-model", new JsonObject { ["inputCostPer1M"] = 1.5, ["outputCostPer1M"] = 3 });

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["priced"]!.GetValue<bool>().ShouldBeFalse(data.ToJsonString());
        data["cost"].AsMoney().ShouldBe(0m);
        await ShouldBeRecordedUnpricedAsync(provider);
    }

    [Fact]
    public async Task The_same_listed_model_reporting_its_tokens_is_priced()
    {
        var scenario = Upstream.NewScenario(Reply.Success(inputTokens: 100, outputTokens: 50));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["priced"]!.GetValue<bool>().ShouldBeTrue(data.ToJsonString());
        data["cost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o", 100, 50));
        var rows = await factory.Database.RowsAsync($"SELECT priced FROM usage_records WHERE provider_id = '{provider}'");
        rows.Single()[0].ShouldBe(true);
    }

    [Fact]
    public async Task A_session_turn_without_usage_is_stored_with_the_unpriced_call()
    {
        var scenario = Upstream.NewScenario(Reply.WithoutUsage("Stored anyway"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");
        var session = Guid.NewGuid();

        using var response = await client.ChatAsync(provider, "Keep this", session);

        var data = await response.ShouldSucceedAsync();
        data["priced"]!.GetValue<bool>().ShouldBeFalse(data.ToJsonString());
        (await factory.Database.StoredMessagesAsync(session)).Select(m => m.Content).ShouldBe(["Keep this", "Stored anyway"]);
        await ShouldBeRecordedUnpricedAsync(provider);
    }

    private async Task ShouldBeRecordedUnpricedAsync(string provider)
    {
        var rows = await factory.Database.RowsAsync($"SELECT priced, cost, input_tokens, output_tokens, outcome FROM usage_records WHERE provider_id = '{provider}'");
        rows.Count.ShouldBe(1);
        rows[0][0].ShouldBe(false, "the usage record is unpriced too");
        ((decimal)rows[0][1]!).ShouldBe(0m);
        rows[0][2].ShouldBeNull();
        rows[0][3].ShouldBeNull();
        rows[0][4].ShouldBe("success");
    }
}
