using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>Cost arithmetic, the price table, overrides, and the provider's counters and usage records, exact under concurrency.</summary>
public sealed class ChatCostTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4-turbo")]
    [InlineData("o1")]
    [InlineData("o3")]
    [InlineData("claude-opus-4-6")]
    [InlineData("claude-sonnet-4-6")]
    [InlineData("claude-haiku-4-5")]
    public async Task Every_model_of_the_contract_is_priced_from_the_shipped_table(string model)
    {
        var kind = model.StartsWith("claude", StringComparison.Ordinal) ? "anthropic" : "openai";
        var scenario = Upstream.NewScenario(Reply.Success(inputTokens: 1_234, outputTokens: 567));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, model);

        using var response = await client.ChatAsync(provider, "Price me");

        var data = await response.ShouldSucceedAsync();
        data["model"]!.GetValue<string>().ShouldBe(model);
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
        var cost = data["cost"].AsMoney();
        cost.ShouldBeGreaterThan(0m);
        cost.ShouldBe(Prices.Cost(model, 1_234, 567));
    }

    [Fact]
    public async Task Cost_is_priced_by_the_model_the_upstream_reports_not_the_one_requested()
    {
        var scenario = Upstream.NewScenario(Reply.Success(model: "gpt-4o-mini-2024-07-18", inputTokens: 1_000, outputTokens: 500));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini-2024-07-18");
        data["cost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o-mini", 1_000, 500));
        data["cost"].AsMoney().ShouldNotBe(Prices.Cost("gpt-4o", 1_000, 500));
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
        scenario.SingleRequest().Json["model"]!.GetValue<string>().ShouldBe("gpt-4o");
    }

    [Fact]
    public async Task Configured_prices_override_the_table()
    {
        var scenario = Upstream.NewScenario(Reply.Success(inputTokens: 2_000, outputTokens: 300));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o", new JsonObject { ["inputCostPer1M"] = 1.25, ["outputCostPer1M"] = 4.5 });

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["cost"].AsMoney().ShouldBe(0.00385m);
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
        (await client.GetProviderDataAsync(provider))["totalCost"].AsMoney().ShouldBe(0.00385m);
    }

    [Fact]
    public async Task Configured_prices_make_an_unknown_model_priced()
    {
        var scenario = Upstream.NewScenario(Reply.Success(inputTokens: 1_000_000, outputTokens: 1_000_000));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "my-local-llama", new JsonObject { ["inputCostPer1M"] = 0.2, ["outputCostPer1M"] = 0.4 });

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["cost"].AsMoney().ShouldBe(0.6m);
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task An_unknown_model_costs_nothing_and_says_it_is_unpriced()
    {
        var scenario = Upstream.NewScenario(Reply.Success(inputTokens: 40, outputTokens: 60));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "custom", "my-local-llama");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["cost"].AsMoney().ShouldBe(0m);
        data["priced"]!.GetValue<bool>().ShouldBeFalse();
        data["usage"]!["totalTokens"]!.GetValue<int>().ShouldBe(100);
        var stored = await client.GetProviderDataAsync(provider);
        stored["totalTokens"].AsCount().ShouldBe(100);
        stored["totalCost"].AsMoney().ShouldBe(0m);
    }

    [Fact]
    public async Task Provider_totals_equal_the_sums_of_the_chat_responses_exactly()
    {
        var models = new[] { "gpt-4o", "gpt-4o-mini-2024-07-18", "gpt-4-turbo", "o1", "o3-2025-04-16", "unknown-model", "gpt-4o-2024-11-20" };
        var scenario = Upstream.NewScenario(models.Select((model, i) => Reply.Success(model: model, inputTokens: 101 + (i * 37), outputTokens: 13 + (i * 29))).ToArray());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var before = await client.GetProviderDataAsync(provider);
        before["lastUsedAt"].ShouldBeNull();

        var costs = new List<decimal>();
        var tokens = 0L;
        for (var i = 0; i < models.Length; i++)
        {
            using var response = await client.ChatAsync(provider, $"Message {i}");
            var data = await response.ShouldSucceedAsync();
            costs.Add(data["cost"].AsMoney());
            tokens += data["usage"]!["totalTokens"]!.GetValue<long>();
        }

        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(models.Length);
        stored["totalTokens"].AsCount().ShouldBe(tokens);
        stored["totalCost"].AsMoney().ShouldBe(costs.Sum());
        stored["lastUsedAt"].ShouldNotBeNull();
        costs.Sum().ShouldBe(Enumerable.Range(0, models.Length).Sum(i => ExpectedCost(models[i], "gpt-4o", 101 + (i * 37), 13 + (i * 29))));
    }

    [Fact]
    public async Task Totals_stay_exact_when_a_configured_price_has_many_decimals()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Success(inputTokens: 7, outputTokens: 3));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o", new JsonObject { ["inputCostPer1M"] = 0.123457, ["outputCostPer1M"] = 0.000013 });

        var costs = new List<decimal>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.ChatAsync(provider, "Hi");
            costs.Add((await response.ShouldSucceedAsync())["cost"].AsMoney());
        }

        costs.ShouldAllBe(c => c == Prices.Cost(0.123457m, 0.000013m, 7, 3));
        (await client.GetProviderDataAsync(provider))["totalCost"].AsMoney().ShouldBe(costs.Sum());
    }

    [Fact]
    public async Task Failed_calls_count_as_requests_but_add_no_tokens_or_cost()
    {
        var scenario = Upstream.NewScenario(
            Reply.Success(inputTokens: 10, outputTokens: 20),
            Reply.Error(401, "Bad key"),
            Reply.Error(400, "Bad request"),
            Reply.ServerError(),
            Reply.ServerError(),
            Reply.ServerError(),
            Reply.Success(inputTokens: 30, outputTokens: 40));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var expected = new[] { HttpStatusCode.OK, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK };
        var cost = 0m;
        foreach (var status in expected)
        {
            using var response = await client.ChatAsync(provider, "Hi");
            response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            if (status == HttpStatusCode.OK)
            {
                cost += (await response.ShouldSucceedAsync())["cost"].AsMoney();
            }
        }

        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(5);
        stored["totalTokens"].AsCount().ShouldBe(100);
        stored["totalCost"].AsMoney().ShouldBe(cost);
        cost.ShouldBe(Prices.Cost("gpt-4o", 40, 60));
    }

    [Fact]
    public async Task Two_hundred_concurrent_chats_add_up_exactly()
    {
        const int chats = 200;
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Dynamic(request =>
        {
            var n = int.Parse(request.LastUserMessage!.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
            return Reply.Success(model: n % 2 == 0 ? "gpt-4o" : "gpt-4o-mini", inputTokens: 50 + n, outputTokens: 1 + (n % 17));
        }));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        var results = new System.Collections.Concurrent.ConcurrentBag<(int Status, decimal Cost, long Tokens, string Body)>();
        await Parallel.ForEachAsync(
            Enumerable.Range(1, chats),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken },
            async (n, _) =>
            {
                using var response = await client.ChatAsync(provider, $"Concurrent chat {n}");
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    results.Add(((int)response.StatusCode, 0m, 0L, text));
                    return;
                }

                var data = JsonNode.Parse(text)!["data"]!;
                results.Add((200, data["cost"].AsMoney(), data["usage"]!["totalTokens"]!.GetValue<long>(), text));
            });

        results.Where(r => r.Status != 200).ShouldBeEmpty();
        var expectedCost = Enumerable.Range(1, chats).Sum(n => Prices.Cost(n % 2 == 0 ? "gpt-4o" : "gpt-4o-mini", 50 + n, 1 + (n % 17)));
        var expectedTokens = Enumerable.Range(1, chats).Sum(n => 50L + n + 1 + (n % 17));
        results.Sum(r => r.Cost).ShouldBe(expectedCost);
        results.Sum(r => r.Tokens).ShouldBe(expectedTokens);

        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(chats);
        stored["totalTokens"].AsCount().ShouldBe(expectedTokens);
        stored["totalCost"].AsMoney().ShouldBe(expectedCost);
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(chats);
        scenario.Requests.Count.ShouldBe(chats);
    }

    [Fact]
    public async Task Usage_records_hold_one_row_per_upstream_call_and_survive_deleting_the_provider()
    {
        var scenario = Upstream.NewScenario(
            Reply.Success(model: "gpt-4o-2024-08-06", inputTokens: 11, outputTokens: 22),
            Reply.ServerError(),
            Reply.Success(inputTokens: 33, outputTokens: 44),
            Reply.Error(401, "Bad key"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();

        using (var first = await client.ChatAsync(provider, "One", session))
        {
            await first.ShouldSucceedAsync();
        }

        using (var retried = await client.ChatAsync(provider, "Two"))
        {
            await retried.ShouldSucceedAsync();
        }

        using (var failed = await client.ChatAsync(provider, "Three"))
        {
            await failed.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_AUTH_FAILED");
        }

        const string Query = "SELECT session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms FROM usage_records WHERE provider_id = '{0}' ORDER BY created_at, outcome";
        var rows = await factory.Database.RowsAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Query, provider));
        rows.Count.ShouldBe(3, "one row per chat sent upstream, however many attempts the policy made");
        rows[0][0].ShouldBe(session);
        rows[0][1].ShouldBe("gpt-4o-2024-08-06");
        rows[0][2].ShouldBe(11);
        rows[0][3].ShouldBe(22);
        ((decimal)rows[0][4]!).ShouldBe(Prices.Cost("gpt-4o", 11, 22));
        rows[0][5].ShouldBe(true);
        rows[0][6].ShouldBe("success");
        rows[1][0].ShouldBeNull();
        rows[1][2].ShouldBe(33);
        rows[1][6].ShouldBe("success");
        rows[2][2].ShouldBeNull();
        rows[2][3].ShouldBeNull();
        ((decimal)rows[2][4]!).ShouldBe(0m);
        rows[2][6].ShouldNotBe("success");
        rows.ShouldAllBe(r => (int)r[7]! >= 0);

        using (var deleted = await client.DeleteAsync($"{ChatApi.Route}/{provider}", TestContext.Current.CancellationToken))
        {
            (await deleted.ShouldSucceedAsync())["deleted"]!.GetValue<bool>().ShouldBeTrue();
        }

        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(3);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_sessions WHERE id = '{session}'")).ShouldBe(0);
    }

    /// <summary>Priced by the reported model's family (the longest table name it starts with), falling back to the requested model.</summary>
    private static decimal ExpectedCost(string reported, string requested, int input, int output)
    {
        var family = Prices.All.Keys.Where(k => reported == k || reported.StartsWith(k + "-", StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();
        return Prices.Cost(family ?? requested, input, output);
    }
}
