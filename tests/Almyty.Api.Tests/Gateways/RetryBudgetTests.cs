using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// A retry is made only when its wait ends before the call's time budget (the provider's <c>timeoutSeconds</c>) does.
/// When it would not, the answer that asked for the retry is passed on at once: a 429 stays
/// <c>429 PROVIDER_RATE_LIMITED</c> with its <c>Retry-After</c>, never <c>504 PROVIDER_TIMEOUT</c> after the budget
/// has been sat out.
/// </summary>
public sealed class RetryBudgetTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private const int BudgetSeconds = 3;

    /// <summary>
    /// Sooner than the budget: a call that sat the budget out ends at 3.0 s or later. The call these tests expect ends
    /// after one 2 s wait and two round trips to the fake (the margin is for a busy test machine).
    /// </summary>
    private static readonly TimeSpan WellBeforeTheBudget = TimeSpan.FromSeconds(2.95);

    private FakeUpstream Upstream => factory.Upstream;

    private static JsonObject ShortBudget => new() { ["timeoutSeconds"] = BudgetSeconds };

    /// <summary>
    /// Attempt 1 (t ≈ 0) is answered 429 "come back in 2 s"; 2 s fit in the ~3 s left, so it is retried at t ≈ 2 s.
    /// Attempt 2 gets the same answer, and a 2 s wait no longer fits in the ~1 s left: that 429 is the answer, at
    /// t ≈ 2 s. So the fake sees exactly two requests, and the call counts once.
    /// </summary>
    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_429_asking_for_2_s_forever_on_a_3_s_budget_is_429_with_retry_after_after_two_requests_not_504(string kind)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.RateLimited(2));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind, configuration: ShortBudget);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var body = await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        var elapsed = Stopwatch.GetElapsedTime(started);
        response.Headers.RetryAfter.ShouldNotBeNull("the provider's wait is passed on").Delta.ShouldBe(TimeSpan.FromSeconds(2));
        body.Message().ShouldStartWith("The provider is rate limiting this key");
        elapsed.ShouldBeLessThan(WellBeforeTheBudget, "the last 429 is answered as soon as its retry cannot fit, not when the budget runs out");
        var requests = scenario.Requests;
        requests.Count.ShouldBe(2, "the first retry fits in the budget, the second does not");
        Stopwatch.GetElapsedTime(requests[0].ReceivedTimestamp, requests[1].ReceivedTimestamp)
            .ShouldBeGreaterThan(TimeSpan.FromMilliseconds(1900), "the retry that fits honours Retry-After: 2");
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(1, "one call went out, whatever its attempts");
    }

    [Fact]
    public async Task A_connection_test_answered_429_with_retry_after_2_forever_on_a_3_s_budget_reports_rate_limited_not_timeout()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.RateLimited(2));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: ShortBudget);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(WellBeforeTheBudget);
        data["status"]!.GetValue<string>().ShouldBe("error", data.ToJsonString());
        data["error"]!["code"]!.GetValue<string>().ShouldBe("RATE_LIMITED", data.ToJsonString());
        data["responseTime"].ShouldNotBeNull("an answer came: the 429").GetValue<long>().ShouldBeGreaterThan(1900);
        scenario.Requests.Count.ShouldBe(2);
        var stored = await client.GetProviderDataAsync(provider);
        stored["status"]!.GetValue<string>().ShouldBe("error");
        stored["lastError"]!.GetValue<string>().ShouldNotContain("did not answer in time");
    }

    [Fact]
    public async Task A_429_whose_retry_after_ms_outlasts_the_budget_is_passed_on_at_once_after_one_request()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(exchange =>
        {
            exchange.Http.Response.Headers["retry-after-ms"] = "4000";
            return Reply.Error(429, "Rate limit reached for requests.")(exchange);
        });
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: ShortBudget);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(1.5), "a 4 s wait cannot fit in 3 s, so it is not begun");
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(4));
        scenario.Requests.Count.ShouldBe(1, "4 s is within the cap of 10 s, but not within the budget");
    }

    [Fact]
    public async Task A_429_whose_retry_after_date_outlasts_the_budget_is_passed_on_at_once_after_one_request()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.ErrorWithRetryAfterDate(429, TimeSpan.FromSeconds(6), "Rate limit reached for requests."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: ShortBudget);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(1.5));
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(7));
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_503_whose_retry_after_fits_in_the_budget_is_waited_out_and_the_retry_succeeds()
    {
        var scenario = Upstream.NewScenario(Reply.Error(503, "Service temporarily unavailable.", retryAfterSeconds: 1), Reply.Success("Within the budget"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: ShortBudget);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("Within the budget");
        var requests = scenario.Requests;
        requests.Count.ShouldBe(2);
        Stopwatch.GetElapsedTime(requests[0].ReceivedTimestamp, requests[1].ReceivedTimestamp)
            .ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900), "a wait that fits is still sat out");
    }
}

/// <summary>The API with a backoff of 10 s (±25 %) before the first retry, longer than a 3 s budget can hold.</summary>
public sealed class SlowBackoffApiFactory : UpstreamApiFactory
{
    public const int RetryBaseDelayMilliseconds = 10_000;

    public SlowBackoffApiFactory() =>
        Settings["Gateways:RetryBaseDelayMilliseconds"] = RetryBaseDelayMilliseconds.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The pipeline's own backoff is held against the budget too: a 5xx or a network error is not retried into a timeout.</summary>
public sealed class RetryBackoffBudgetTests(SlowBackoffApiFactory factory) : IClassFixture<SlowBackoffApiFactory>
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(1.5);

    private FakeUpstream Upstream => factory.Upstream;

    private static JsonObject ShortBudget => new() { ["timeoutSeconds"] = 3 };

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Server_error_forever_whose_backoff_cannot_fit_is_503_provider_unavailable_at_once_not_504(int status)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.ServerError(status));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: ShortBudget);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce, "a backoff of at least 7.5 s is not begun on a 3 s budget");
        scenario.Requests.Count.ShouldBe(1);
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(1);
    }

    [Fact]
    public async Task A_connection_test_answered_500_forever_whose_backoff_cannot_fit_reports_upstream_error_not_timeout()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.ServerError());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: ShortBudget);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["error"]!["code"]!.GetValue<string>().ShouldBe("UPSTREAM_ERROR", data.ToJsonString());
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_connection_whose_backoff_cannot_fit_is_503_provider_unavailable_at_once_not_504()
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, baseUrl: $"http://127.0.0.1:{ChatFaultTests.UnusedPort()}/v1", configuration: ShortBudget);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var body = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        body.Message().ShouldContain("refused the connection");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce);
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(0, "nothing was sent");
    }
}
