using Almyty.Api.Tests.Fakes;
using Almyty.Application.Usage;
using Almyty.Domain.Usage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Almyty.Api.Tests.Chat;

/// <summary>
/// What the service makes of values an upstream reports that cannot be stored as they are: a model that is no model
/// name, token counts below zero, a reply with a NUL character. Such a call is still answered and counted, and it
/// never fails the calls whose usage is written with it.
/// </summary>
public sealed class ReportedValuesTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    public static TheoryData<string> ImpossibleModels => new() { new string('m', 5000), "gpt-4o\0x", "gpt-4o\nx", string.Empty };

    [Theory]
    [MemberData(nameof(ImpossibleModels))]
    public async Task A_reported_model_that_cannot_be_a_model_name_counts_as_not_reported(string reported)
    {
        var scenario = factory.Upstream.NewScenario().Always(Reply.Success(model: reported, inputTokens: 10, outputTokens: 5));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        data["priced"]!.GetValue<bool>().ShouldBeTrue();
        data["cost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o", 10, 5));
        var totals = await client.GetProviderDataAsync(provider);
        totals["totalRequests"]!.GetValue<long>().ShouldBe(1);
        totals["totalTokens"]!.GetValue<long>().ShouldBe(15);
    }

    [Fact]
    public async Task Chats_whose_usage_is_written_with_an_impossible_reported_model_are_all_answered_and_counted()
    {
        const int ChatsEach = 10;
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        UpstreamBehaviour Held(string? model) => async exchange =>
        {
            if (Interlocked.Increment(ref arrived) == 2 * ChatsEach)
            {
                allArrived.TrySetResult();
            }

            await release.Task.WaitAsync(exchange.Aborted);
            await Reply.Success(model: model, inputTokens: 4, outputTokens: 6)(exchange);
        };
        var client = factory.OwnerClient();
        var odd = await client.AddProviderAsync(factory.Upstream.NewScenario().Always(Held(new string('m', 5000))), "openai", "gpt-4o");
        var plain = await client.AddProviderAsync(factory.Upstream.NewScenario().Always(Held(null)), "openai", "gpt-4o");

        var chats = Enumerable.Range(0, ChatsEach)
            .SelectMany(i => new[] { client.ChatAsync(odd, $"Odd {i}"), client.ChatAsync(plain, $"Plain {i}") })
            .ToList();
        await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        release.SetResult();
        foreach (var response in await Task.WhenAll(chats))
        {
            using (response)
            {
                await response.ShouldSucceedAsync();
            }
        }

        foreach (var provider in new[] { odd, plain })
        {
            var totals = await client.GetProviderDataAsync(provider);
            totals["totalRequests"]!.GetValue<long>().ShouldBe(ChatsEach);
            totals["totalTokens"]!.GetValue<long>().ShouldBe(ChatsEach * 10);
            totals["totalCost"].AsMoney().ShouldBe(ChatsEach * Prices.Cost("gpt-4o", 4, 6));
        }
    }

    [Fact]
    public async Task Negative_token_counts_are_unknown_and_take_nothing_off_the_totals()
    {
        var scenario = factory.Upstream.NewScenario().Always(Reply.Success(inputTokens: -5, outputTokens: -7));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["usage"]!["inputTokens"].ShouldBeNull();
        data["usage"]!["outputTokens"].ShouldBeNull();
        data["usage"]!["reported"]!.GetValue<bool>().ShouldBeFalse();
        data["cost"].AsMoney().ShouldBe(0m);
        var totals = await client.GetProviderDataAsync(provider);
        totals["totalRequests"]!.GetValue<long>().ShouldBe(1);
        totals["totalTokens"]!.GetValue<long>().ShouldBe(0);
        totals["totalCost"].AsMoney().ShouldBe(0m);
    }

    [Fact]
    public async Task A_reply_with_a_nul_character_is_answered_as_sent_and_stored_with_a_replacement_character()
    {
        var scenario = factory.Upstream.NewScenario().Always(Reply.Success("before\0after"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");
        var session = Guid.NewGuid();

        using var response = await client.ChatAsync(provider, "Hi", session);

        var data = await response.ShouldSucceedAsync();
        data["message"]!["content"]!.GetValue<string>().ShouldBe("before\0after");
        var stored = await factory.Database.StoredMessagesAsync(session);
        stored.Select(m => (m.Role, m.Content)).ShouldBe([("user", "Hi"), ("assistant", "before\uFFFDafter")]);
    }

    [Fact]
    public async Task A_usage_record_the_database_refuses_fails_alone_and_not_the_records_written_with_it()
    {
        var client = factory.OwnerClient();
        var provider = Guid.Parse(await client.AddProviderAsync(factory.Upstream.NewScenario(), "openai", "gpt-4o"));
        var organization = (await factory.Database.ScalarAsync<string>($"SELECT organization_id FROM llm_providers WHERE id = '{provider}'"))!;
        var recorder = factory.Services.GetRequiredService<IUsageRecorder>();
        UsageRecord Record(string model) =>
            UsageRecord.Create(Guid.CreateVersion7(), organization, provider, null, model, 4, 6, 0.0001m, true, UsageRecord.SuccessOutcome, 1, DateTimeOffset.UtcNow);

        // Handed over together, so that they wait for the writer together.
        var writes = Enumerable.Range(0, 20).Select(i => recorder.RecordAsync(Record(i == 7 ? new string('m', 201) : "gpt-4o"), TestContext.Current.CancellationToken)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
                return null;
            }
            catch (PostgresException exception)
            {
                return exception.SqlState;
            }
        }));

        outcomes.Count(o => o is null).ShouldBe(19);
        outcomes[7].ShouldBe(PostgresErrorCodes.StringDataRightTruncation);
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(19);
        (await client.GetProviderDataAsync(provider.ToString()))["totalRequests"]!.GetValue<long>().ShouldBe(19);
    }
}
