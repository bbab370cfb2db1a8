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
    public static TheoryData<string> ImpossibleModels => new() { new string('m', 5000), "gpt-4o\0x", "gpt-4o\nx", "gpt-4o\u2028x", string.Empty };

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

    [Theory]
    [InlineData(-5, 7)]
    [InlineData(12, -1)]
    public async Task A_call_with_one_token_count_unknown_is_charged_for_the_other_and_unpriced(int inputTokens, int outputTokens)
    {
        var scenario = factory.Upstream.NewScenario().Always(Reply.Success(inputTokens: inputTokens, outputTokens: outputTokens));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");
        var (known, charged) = inputTokens < 0 ? ("outputTokens", Prices.Cost("gpt-4o", 0, outputTokens)) : ("inputTokens", Prices.Cost("gpt-4o", inputTokens, 0));

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["usage"]![known].ShouldNotBeNull();
        data["usage"]!["totalTokens"]!.GetValue<long>().ShouldBe(Math.Max(inputTokens, outputTokens));
        data["cost"].AsMoney().ShouldBe(charged);
        data["priced"]!.GetValue<bool>().ShouldBeFalse("the cost is only part of the call's: " + data.ToJsonString());
        var rows = await factory.Database.RowsAsync($"SELECT priced FROM usage_records WHERE provider_id = '{provider}'");
        rows.Single()[0].ShouldBe(false);
        var totals = await client.GetProviderDataAsync(provider);
        totals["totalCost"].AsMoney().ShouldBe(charged);
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
    public async Task A_reported_model_that_is_not_valid_unicode_counts_as_not_reported()
    {
        const string Answer = """{"id":"c1","object":"chat.completion","created":1,"model":"\ud800","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""";
        var scenario = factory.Upstream.NewScenario().Always(Reply.Raw(200, "application/json", Answer));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        data["message"]!["content"]!.GetValue<string>().ShouldBe("Hi");
    }

    [Fact]
    public async Task A_reply_that_is_not_valid_unicode_is_an_invalid_response_and_still_counted()
    {
        const string Answer = """{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"a\udc00b"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""";
        var scenario = factory.Upstream.NewScenario().Always(Reply.Raw(200, "application/json", Answer));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(System.Net.HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        (await client.GetProviderDataAsync(provider))["totalRequests"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Token_counts_whose_sum_exceeds_an_int_are_added_up_without_wrapping()
    {
        var scenario = factory.Upstream.NewScenario().Always(Reply.Success(inputTokens: 2_000_000_000, outputTokens: 2_000_000_000));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.ChatAsync(provider, "Hi");

        var data = await response.ShouldSucceedAsync();
        data["usage"]!["totalTokens"]!.GetValue<long>().ShouldBe(4_000_000_000L);
        (await client.GetProviderDataAsync(provider))["totalTokens"]!.GetValue<long>().ShouldBe(4_000_000_000L);
    }

    [Fact]
    public async Task A_provider_error_message_with_a_nul_character_becomes_the_last_error_without_it()
    {
        var scenario = factory.Upstream.NewScenario().Always(Reply.Error(401, "Bad\0key."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["message"]!.GetValue<string>().ShouldBe("Bad key.");
        (await client.GetProviderDataAsync(provider))["lastError"]!.GetValue<string>().ShouldContain("Bad key.");
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
