using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>Both ways of committing usage (without and with the wait for the WAL flush) record every call exactly once.</summary>
public abstract class UsageCommitTests(UpstreamApiFactory factory)
{
    private const int Chats = 25;

    [Fact]
    public async Task Concurrent_chats_each_leave_one_record_and_the_totals_add_up()
    {
        var scenario = factory.Upstream.NewScenario([.. Enumerable.Repeat(Reply.Success(inputTokens: 7, outputTokens: 3), Chats)]);
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        var costs = await Task.WhenAll(Enumerable.Range(0, Chats).Select(async i =>
        {
            using var response = await client.ChatAsync(provider, $"Message {i}");
            return (await response.ShouldSucceedAsync())["cost"].AsMoney();
        }));

        var data = await client.GetProviderDataAsync(provider);
        data["totalRequests"]!.GetValue<long>().ShouldBe(Chats);
        data["totalTokens"]!.GetValue<long>().ShouldBe(Chats * 10);
        data["totalCost"].AsMoney().ShouldBe(costs.Sum());
        costs.Sum().ShouldBe(Chats * Prices.Cost("gpt-4o", 7, 3));
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}' AND outcome = 'success'")).ShouldBe(Chats);
    }
}

public sealed class RelaxedUsageCommitTests(UpstreamApiFactory factory) : UsageCommitTests(factory), IClassFixture<UpstreamApiFactory>;

public sealed class SynchronousUsageCommitTests(SynchronousUsageApiFactory factory) : UsageCommitTests(factory), IClassFixture<SynchronousUsageApiFactory>;
