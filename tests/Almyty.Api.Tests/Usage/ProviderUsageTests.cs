using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;
using Npgsql;

namespace Almyty.Api.Tests.Usage;

/// <summary>
/// <c>GET /llm-providers/{id}/usage</c>: totals that equal the provider's counters, the chat responses and the database;
/// breakdowns that add up; windows; tenancy; validation.
/// </summary>
public sealed class ProviderUsageTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private static readonly string[] TotalsFields =
        ["totalRequests", "successfulRequests", "failedRequests", "inputTokens", "outputTokens", "totalTokens", "totalCost", "lastRequestAt"];

    private FakeUpstream Upstream => factory.Upstream;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_successful_and_failed_chats_the_totals_equal_the_counters_the_chat_responses_and_the_database()
    {
        var scenario = Upstream.NewScenario(
            Reply.Success(model: "gpt-4o-2024-11-20", inputTokens: 1_000, outputTokens: 200),
            Reply.ServerError(), Reply.ServerError(), Reply.ServerError(),
            Reply.Error(401, "Incorrect API key provided."),
            Reply.Success(model: "mystery-model", inputTokens: 40, outputTokens: 60),
            Reply.WithoutUsage(),
            Reply.Success(inputTokens: 10, outputTokens: 5),
            Reply.Error(400, "This model's maximum context length is 128000 tokens."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai", "gpt-4o");
        var session = Guid.NewGuid();

        var statuses = new List<HttpStatusCode>();
        var costs = 0m;
        var tokens = 0L;
        for (var i = 0; i < 7; i++)
        {
            using var response = await client.ChatAsync(provider, $"Message {i}", i == 5 ? session : null);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var data = await response.ShouldSucceedAsync();
                costs += data["cost"].AsMoney();
                tokens += data["usage"]!["totalTokens"]?.GetValue<long>() ?? 0;
            }
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadGateway, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadGateway]);
        using var usageResponse = await client.GetAsync($"{ChatApi.Route}/{provider}/usage", Token);
        var usage = await usageResponse.ShouldSucceedAsync();
        var totals = usage["totals"]!.AsObject();

        usage["providerId"]!.GetValue<string>().ShouldBe(provider);
        usage["from"].ShouldBeNull();
        usage["to"].ShouldBeNull();
        usage["groupBy"]!.GetValue<string>().ShouldBe("day");
        totals["totalRequests"].AsCount().ShouldBe(7);
        totals["successfulRequests"].AsCount().ShouldBe(4);
        totals["failedRequests"].AsCount().ShouldBe(3);
        totals["inputTokens"].AsCount().ShouldBe(1_050);
        totals["outputTokens"].AsCount().ShouldBe(265);
        totals["totalTokens"].AsCount().ShouldBe(1_315);
        totals["totalTokens"].AsCount().ShouldBe(tokens, "the sum of the chat responses' usage.totalTokens");
        totals["totalCost"].AsMoney().ShouldBe(costs, "the sum of the chat responses' cost");
        // An unknown reported model is priced by the model requested, as chat prices it.
        totals["totalCost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o", 1_000, 200) + Prices.Cost("gpt-4o", 40, 60) + Prices.Cost("gpt-4o", 10, 5));

        var counters = await client.GetProviderDataAsync(provider);
        totals["totalRequests"].AsCount().ShouldBe(counters["totalRequests"].AsCount());
        totals["totalTokens"].AsCount().ShouldBe(counters["totalTokens"].AsCount());
        totals["totalCost"].AsMoney().ShouldBe(counters["totalCost"].AsMoney());
        totals["lastRequestAt"]!.GetValue<string>().ShouldBe(counters["lastUsedAt"]!.GetValue<string>());

        var stored = (await factory.Database.RowsAsync(
            $"SELECT count(*), coalesce(sum(cost), 0), coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0), count(*) FILTER (WHERE outcome = 'success') FROM usage_records WHERE provider_id = '{provider}'")).Single();
        totals["totalRequests"].AsCount().ShouldBe((long)stored[0]!);
        totals["totalCost"].AsMoney().ShouldBe((decimal)stored[1]!);
        totals["totalTokens"].AsCount().ShouldBe(Convert.ToInt64(stored[2], CultureInfo.InvariantCulture));
        totals["successfulRequests"].AsCount().ShouldBe((long)stored[3]!);

        var days = usage["breakdown"]!.AsArray().Select(d => d!.AsObject()).ToList();
        var storedDays = (await factory.Database.RowsAsync($"SELECT DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM usage_records WHERE provider_id = '{provider}' ORDER BY 1"))
            .Select(r => (string)r[0]!).ToList();
        days.Select(d => d["day"]!.GetValue<string>()).ShouldBe(storedDays);
        days.ShouldAllBe(d => !d.ContainsKey("model"));
        ShouldAddUpTo(days, totals);

        using var byModelResponse = await client.GetAsync($"{ChatApi.Route}/{provider}/usage?groupBy=model", Token);
        var byModel = await byModelResponse.ShouldSucceedAsync();
        byModel["groupBy"]!.GetValue<string>().ShouldBe("model");
        ShouldHaveSameTotals(byModel["totals"]!.AsObject(), totals);
        var models = byModel["breakdown"]!.AsArray().Select(m => m!.AsObject()).ToList();
        models.ShouldAllBe(m => !m.ContainsKey("day"));
        models.Select(m => m["model"]!.GetValue<string>()).ShouldBe(["gpt-4o-2024-11-20", "mystery-model", "gpt-4o"]);
        ShouldAddUpTo(models, totals);

        // Failed calls have no reported model: they count under the model requested, with the call whose usage went unreported.
        var requested = models[2];
        requested["totalRequests"].AsCount().ShouldBe(5);
        requested["successfulRequests"].AsCount().ShouldBe(2);
        requested["failedRequests"].AsCount().ShouldBe(3);
        requested["inputTokens"].AsCount().ShouldBe(10);
        requested["outputTokens"].AsCount().ShouldBe(5);
        requested["totalCost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o", 10, 5));
        var reportedOnly = models[1];
        reportedOnly["totalTokens"].AsCount().ShouldBe(100);
        reportedOnly["totalCost"].AsMoney().ShouldBe(Prices.Cost("gpt-4o", 40, 60));
    }

    [Fact]
    public async Task A_provider_without_usage_has_zero_totals_and_an_empty_breakdown()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/usage", Token);

        var data = await response.ShouldSucceedAsync();
        var totals = data["totals"]!.AsObject();
        totals.Select(p => p.Key).ShouldBe(TotalsFields);
        foreach (var field in TotalsFields[..^2])
        {
            totals[field].AsCount().ShouldBe(0, field);
        }

        totals["totalCost"].AsMoney().ShouldBe(0m);
        totals.ContainsKey("lastRequestAt").ShouldBeTrue();
        totals["lastRequestAt"].ShouldBeNull();
        data["breakdown"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Days_are_utc_calendar_days_whatever_the_database_sessions_time_zone()
    {
        var (client, provider, _) = await SeedWindowAsync();
        // Fourteen hours ahead of UTC: a day taken in the session's zone would move most records to the next day.
        await factory.Database.ExecuteAsync($"ALTER DATABASE \"{factory.Database.Name}\" SET timezone TO 'Pacific/Kiritimati'");
        NpgsqlConnection.ClearAllPools();
        (await factory.Database.ScalarAsync<string>("SHOW timezone")).ShouldBe("Pacific/Kiritimati");

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/usage?groupBy=day", Token);

        var data = await response.ShouldSucceedAsync();
        var days = data["breakdown"]!.AsArray().Select(d => d!.AsObject()).ToList();
        days.Select(d => d["day"]!.GetValue<string>()).ShouldBe(["2026-11-20", "2026-11-25", "2026-11-26", "2026-11-27"]);
        days.Select(d => d["totalRequests"].AsCount()).ShouldBe([2, 1, 3, 1]);
        days[2]["successfulRequests"].AsCount().ShouldBe(2);
        days[2]["failedRequests"].AsCount().ShouldBe(1);
        days[2]["inputTokens"].AsCount().ShouldBe(50);
        days[2]["outputTokens"].AsCount().ShouldBe(5);
        days[2]["totalCost"].AsMoney().ShouldBe(0.5m);
        days[2]["lastRequestAt"]!.GetValue<string>().ShouldBe("2026-11-26T23:30:00Z");
        ShouldAddUpTo(days, data["totals"]!.AsObject());
        data["totals"]!["totalRequests"].AsCount().ShouldBe(7);
        data["totals"]!["lastRequestAt"]!.GetValue<string>().ShouldBe("2026-11-27T00:00:00Z");
    }

    [Theory]
    [InlineData("from=2026-11-26&to=2026-11-27", "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", "B C D")]
    [InlineData("from=2026-11-26T00:00:00Z&to=2026-11-26T12:00:00Z", "2026-11-26T00:00:00Z", "2026-11-26T12:00:00Z", "B")]
    [InlineData("from=2026-11-26T13:00:00%2B01:00", "2026-11-26T12:00:00Z", null, "C D E")]
    [InlineData("from=2026-11-26T13:00:00+01:00", "2026-11-26T12:00:00Z", null, "C D E")]
    [InlineData("from=2026-11-26T06:00:00-06:00&to=2026-11-27", "2026-11-26T12:00:00Z", "2026-11-27T00:00:00Z", "C D")]
    [InlineData("to=2026-11-26", null, "2026-11-26T00:00:00Z", "F G A")]
    [InlineData("from=2026-11-25T23:59:59.9999995Z", "2026-11-26T00:00:00Z", null, "B C D E")]
    [InlineData("from=2026-11-25T23:59:59.999999Z&to=2026-11-26T00:00:00.000001Z", "2026-11-25T23:59:59.999999Z", "2026-11-26T00:00:00.000001Z", "A B")]
    [InlineData("from=&to=", null, null, "F G A B C D E")]
    [InlineData("from=2030-01-01", "2030-01-01T00:00:00Z", null, "")]
    public async Task The_window_is_from_inclusive_to_exclusive(string window, string? from, string? to, string expected)
    {
        var (client, provider, records) = await SeedWindowAsync();

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/usage?{window}", Token);

        var data = await response.ShouldSucceedAsync();
        (data["from"]?.GetValue<string>()).ShouldBe(from);
        (data["to"]?.GetValue<string>()).ShouldBe(to);
        var selected = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(name => records[name]).ToList();
        var totals = data["totals"]!.AsObject();
        totals["totalRequests"].AsCount().ShouldBe(selected.Count);
        totals["successfulRequests"].AsCount().ShouldBe(selected.Count(r => r.Outcome == "success"));
        totals["inputTokens"].AsCount().ShouldBe(selected.Sum(r => r.Input ?? 0));
        totals["outputTokens"].AsCount().ShouldBe(selected.Sum(r => r.Output ?? 0));
        totals["totalCost"].AsMoney().ShouldBe(selected.Sum(r => r.Cost));
        ShouldAddUpTo(data["breakdown"]!.AsArray().Select(d => d!.AsObject()).ToList(), totals);
    }

    [Theory]
    [InlineData("to=9999-12-31T23:59:59.9999999Z", null, null, "F G A B C D E")]
    [InlineData("to=9999-12-31T23:59:59.9999995Z", null, null, "F G A B C D E")]
    [InlineData("from=2026-11-26&to=9999-12-31T23:59:59.9999999Z", "2026-11-26T00:00:00Z", null, "B C D E")]
    [InlineData("to=9999-12-31T23:59:59.999999Z", null, "9999-12-31T23:59:59.999999Z", "F G A B C D E")]
    [InlineData("from=9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z", null, "")]
    [InlineData("from=9999-12-31T23:59:59.9999995Z&to=9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z", null, "")]
    public async Task A_bound_in_the_last_microsecond_of_9999_is_no_end_as_to_and_selects_nothing_as_from(string window, string? from, string? to, string expected) =>
        await The_window_is_from_inclusive_to_exclusive(window, from, to, expected);

    [Theory]
    [InlineData("from=2026-11-28T00:43:48.9401251Z&to=2026-11-28T00:43:48.9401259Z", "2026-11-28T00:43:48.940126Z", "2026-11-28T00:43:48.940126Z")]
    [InlineData("from=2026-11-25T23:59:59.9999991Z&to=2026-11-25T23:59:59.9999999Z", "2026-11-26T00:00:00Z", "2026-11-26T00:00:00Z")]
    public async Task A_window_valid_as_sent_that_rounds_to_nothing_is_an_empty_200(string window, string from, string to) =>
        await The_window_is_from_inclusive_to_exclusive(window, from, to, "");

    [Fact]
    public async Task The_model_breakdown_is_ordered_by_cost_then_model_and_adds_up()
    {
        var (client, provider, _) = await SeedWindowAsync();

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/usage?groupBy=model", Token);

        var data = await response.ShouldSucceedAsync();
        var models = data["breakdown"]!.AsArray().Select(m => m!.AsObject()).ToList();
        models.Select(m => m["model"]!.GetValue<string>()).ShouldBe(["gpt-4o", "claude-sonnet-4-6", "a-free-model", "b-free-model"]);
        models.Select(m => m["totalCost"].AsMoney()).ShouldBe([0.7m, 0.3m, 0m, 0m]);
        models[1]["failedRequests"].AsCount().ShouldBe(1);
        models[1]["lastRequestAt"]!.GetValue<string>().ShouldBe("2026-11-26T23:30:00Z");
        ShouldAddUpTo(models, data["totals"]!.AsObject());
    }

    [Fact]
    public async Task Another_organizations_provider_is_404_and_its_records_never_count_here()
    {
        var (client, provider, _) = await SeedWindowAsync();
        var stranger = factory.OwnerClient();
        // A record of another organization that names this provider's id is not this organization's usage.
        await InsertAsync("org-someone-else", provider, new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), "gpt-4o", 1_000, 1_000, 99m, "success");

        using var foreign = await stranger.GetAsync($"{ChatApi.Route}/{provider}/usage", Token);
        using var own = await client.GetAsync($"{ChatApi.Route}/{provider}/usage", Token);

        await foreign.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var totals = (await own.ShouldSucceedAsync())["totals"]!;
        totals["totalRequests"].AsCount().ShouldBe(7);
        totals["totalCost"].AsMoney().ShouldBe(1.0m);
    }

    [Fact]
    public async Task A_viewer_may_read_usage()
    {
        var (_, provider, records) = await SeedWindowAsync();
        using var viewer = factory.ClientFor(records["A"].Organization, "viewer");

        using var response = await viewer.GetAsync($"{ChatApi.Route}/{provider}/usage?groupBy=model", Token);

        (await response.ShouldSucceedAsync())["totals"]!["totalRequests"].AsCount().ShouldBe(7);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-02-30", "from")]
    [InlineData("from=2026-11-26T10:00:00", "from")]
    [InlineData("from=26/11/2026", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("to=2026-11-26T25:00:00Z", "to")]
    [InlineData("to=1764115200", "to")]
    [InlineData("from=2026-11-27&to=2026-11-26", "to")]
    [InlineData("from=2026-11-26&to=2026-11-26T00:00:00Z", "to")]
    [InlineData("from=2026-11-28T00:43:48.9401259Z&to=2026-11-28T00:43:48.9401251Z", "to")]
    [InlineData("from=9999-12-31T23:59:59.9999999Z&to=9999-12-31T23:59:59.9999999Z", "to")]
    [InlineData("groupBy=week", "groupBy")]
    [InlineData("groupBy=Day", "groupBy")]
    public async Task A_bad_parameter_is_400_validation_error_naming_it(string parameters, string field)
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());

        using var response = await client.GetAsync($"{ChatApi.Route}/{provider}/usage?{parameters}", Token);

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        error["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ShouldBe([field]);
    }

    [Fact]
    public async Task A_malformed_id_is_400_and_an_unknown_one_404()
    {
        var client = factory.OwnerClient();

        using var malformed = await client.GetAsync($"{ChatApi.Route}/42/usage", Token);
        using var unknown = await client.GetAsync($"{ChatApi.Route}/{Guid.NewGuid()}/usage", Token);

        (await malformed.ShouldFailWithAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR"))["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("id");
        await unknown.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    private sealed record SeededRecord(string Organization, DateTimeOffset At, string Model, int? Input, int? Output, decimal Cost, string Outcome);

    /// <summary>A provider of a new organization with usage records at chosen moments, written straight to the database.</summary>
    private async Task<(HttpClient Client, string Provider, Dictionary<string, SeededRecord> Records)> SeedWindowAsync()
    {
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var records = new Dictionary<string, SeededRecord>
        {
            ["F"] = new(organization, new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), "b-free-model", null, null, 0m, "PROVIDER_UNAVAILABLE"),
            ["G"] = new(organization, new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), "a-free-model", 5, 5, 0m, "success"),
            ["A"] = new(organization, new DateTimeOffset(2026, 11, 25, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), "gpt-4o", 10, 1, 0.1m, "success"),
            ["B"] = new(organization, new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), "gpt-4o", 20, 2, 0.2m, "success"),
            ["C"] = new(organization, new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), "claude-sonnet-4-6", 30, 3, 0.3m, "success"),
            ["D"] = new(organization, new DateTimeOffset(2026, 11, 26, 23, 30, 0, TimeSpan.Zero), "claude-sonnet-4-6", null, null, 0m, "PROVIDER_AUTH_FAILED"),
            ["E"] = new(organization, new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), "gpt-4o", 40, 4, 0.4m, "success"),
        };
        foreach (var record in records.Values)
        {
            await InsertAsync(organization, provider, record.At, record.Model, record.Input, record.Output, record.Cost, record.Outcome);
        }

        return (client, provider, records);
    }

    private async Task InsertAsync(string organization, string provider, DateTimeOffset at, string model, int? input, int? output, decimal cost, string outcome)
    {
        await using var connection = new NpgsqlConnection(factory.Database.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO usage_records (id, organization_id, provider_id, session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms, created_at)
            VALUES (@id, @organization, @provider, NULL, @model, @input, @output, @cost, @priced, @outcome, 100, @at)
            """,
            connection);
        command.Parameters.AddWithValue("id", Guid.NewGuid());
        command.Parameters.AddWithValue("organization", organization);
        command.Parameters.AddWithValue("provider", Guid.Parse(provider));
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("input", (object?)input ?? DBNull.Value);
        command.Parameters.AddWithValue("output", (object?)output ?? DBNull.Value);
        command.Parameters.AddWithValue("cost", cost);
        command.Parameters.AddWithValue("priced", cost > 0);
        command.Parameters.AddWithValue("outcome", outcome);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(Token);
    }

    /// <summary>Each numeric field of the totals is the sum of the breakdown's; lastRequestAt is the latest.</summary>
    private static void ShouldAddUpTo(List<JsonObject> breakdown, JsonObject totals)
    {
        foreach (var field in TotalsFields[..^2])
        {
            breakdown.Sum(e => e[field].AsCount()).ShouldBe(totals[field].AsCount(), field);
        }

        breakdown.Sum(e => e["totalCost"].AsMoney()).ShouldBe(totals["totalCost"].AsMoney());
        breakdown.ShouldAllBe(e => e["totalRequests"].AsCount() == e["successfulRequests"].AsCount() + e["failedRequests"].AsCount());
        breakdown.ShouldAllBe(e => e["totalTokens"].AsCount() == e["inputTokens"].AsCount() + e["outputTokens"].AsCount());
        var latest = breakdown.Count == 0 ? null : breakdown.MaxBy(e => DateTimeOffset.Parse(e["lastRequestAt"]!.GetValue<string>(), CultureInfo.InvariantCulture))!["lastRequestAt"]!.GetValue<string>();
        (totals["lastRequestAt"]?.GetValue<string>()).ShouldBe(latest);
    }

    private static void ShouldHaveSameTotals(JsonObject actual, JsonObject expected) =>
        actual.ToJsonString().ShouldBe(expected.ToJsonString());
}
