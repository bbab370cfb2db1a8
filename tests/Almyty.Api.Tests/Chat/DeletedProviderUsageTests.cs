using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>Usage of calls in flight when their provider is deleted: the records stay, and nobody else's totals suffer.</summary>
public sealed class DeletedProviderUsageTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private const int ChatsEach = 3;

    [Fact]
    public async Task Chats_answered_after_their_provider_was_deleted_keep_their_usage_records_and_other_providers_keep_exact_totals()
    {
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        UpstreamBehaviour held = async exchange =>
        {
            if (Interlocked.Increment(ref arrived) == 2 * ChatsEach)
            {
                allArrived.TrySetResult();
            }

            await release.Task.WaitAsync(exchange.Aborted);
            await Reply.Success(inputTokens: 4, outputTokens: 6)(exchange);
        };
        var client = factory.OwnerClient();
        var doomed = await client.AddProviderAsync(factory.Upstream.NewScenario().Always(held), "openai", "gpt-4o");
        var kept = await client.AddProviderAsync(factory.Upstream.NewScenario().Always(held), "openai", "gpt-4o");

        var chats = Enumerable.Range(0, ChatsEach)
            .SelectMany(i => new[] { client.ChatAsync(doomed, $"Doomed {i}"), client.ChatAsync(kept, $"Kept {i}") })
            .ToList();
        await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using (var deleted = await client.DeleteAsync($"{ChatApi.Route}/{doomed}", TestContext.Current.CancellationToken))
        {
            await deleted.ShouldSucceedAsync();
        }

        // Every reply comes back at once, so their usage is written together.
        release.SetResult();
        foreach (var response in await Task.WhenAll(chats))
        {
            using (response)
            {
                await response.ShouldSucceedAsync();
            }
        }

        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{doomed}' AND outcome = 'success'")).ShouldBe(ChatsEach);
        (await factory.Database.CountAsync($"SELECT count(*) FROM provider_usage_counters WHERE provider_id = '{doomed}'")).ShouldBe(0);
        var totals = await client.GetProviderDataAsync(kept);
        totals["totalRequests"]!.GetValue<long>().ShouldBe(ChatsEach);
        totals["totalTokens"]!.GetValue<long>().ShouldBe(ChatsEach * 10);
        totals["totalCost"].AsMoney().ShouldBe(ChatsEach * Prices.Cost("gpt-4o", 4, 6));
    }
}
