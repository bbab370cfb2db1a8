using System.Diagnostics;
using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// A 429 or 503 that asks for a wait longer than <c>Gateways:MaxRetryAfterSeconds</c> (10 s by default), whether in
/// seconds or as an HTTP date, goes back to the caller at once after one upstream request; a short wait is sat out
/// and retried; and every 429 of ours says when to come back.
/// </summary>
public sealed class RetryAfterTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    /// <summary>Far beyond the default cap of 10 s, and beyond the default time budget of 60 s.</summary>
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(120);

    /// <summary>How long "at once" may take: no retry, no waiting, just one round trip to the fake.</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(5);

    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_429_whose_retry_after_is_a_distant_http_date_is_passed_on_at_once_after_one_request(string kind)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.ErrorWithRetryAfterDate(429, LongWait, "Rate limit reached for requests."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce, "a wait beyond the cap is the caller's, not ours");
        scenario.Requests.Count.ShouldBe(1);
        var retryAfter = response.Headers.RetryAfter.ShouldNotBeNull("the provider's wait must be passed on");
        retryAfter.Delta.ShouldNotBeNull("our Retry-After is given in seconds").ShouldBeInRange(LongWait - TimeSpan.FromSeconds(10), LongWait + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_503_whose_retry_after_is_long_in_seconds_is_503_provider_unavailable_at_once_after_one_request()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Error(503, "The engine is currently overloaded, please try again later.", retryAfterSeconds: (int)LongWait.TotalSeconds));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce, "a wait beyond the cap is not sat out");
        scenario.Requests.Count.ShouldBe(1);
        response.Headers.RetryAfter.ShouldNotBeNull("the provider's wait must be passed on with a 503 as with a 429")
            .Delta.ShouldNotBeNull("our Retry-After is given in seconds").ShouldBeInRange(LongWait - TimeSpan.FromSeconds(10), LongWait + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_503_whose_retry_after_is_a_distant_http_date_is_503_provider_unavailable_at_once_after_one_request()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.ErrorWithRetryAfterDate(503, LongWait, "Service temporarily unavailable."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce, "a wait beyond the cap is not sat out");
        scenario.Requests.Count.ShouldBe(1);
        response.Headers.RetryAfter.ShouldNotBeNull("the provider's wait must be passed on with a 503 as with a 429")
            .Delta.ShouldNotBeNull("our Retry-After is given in seconds").ShouldBeInRange(LongWait - TimeSpan.FromSeconds(10), LongWait + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_429_whose_retry_after_is_a_near_http_date_is_waited_out_and_retried()
    {
        var scenario = Upstream.NewScenario(FaultReply.ErrorWithRetryAfterDate(429, TimeSpan.FromSeconds(3)), Reply.Success("After the date"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("After the date");
        var requests = scenario.Requests;
        requests.Count.ShouldBe(2);
        Stopwatch.GetElapsedTime(requests[0].ReceivedTimestamp, requests[1].ReceivedTimestamp)
            .ShouldBeGreaterThan(TimeSpan.FromSeconds(1), "the retry waits until the date, not the 10 ms backoff");
    }

    [Fact]
    public async Task A_503_whose_retry_after_is_short_is_waited_out_and_retried()
    {
        var scenario = Upstream.NewScenario(Reply.Error(503, "Service temporarily unavailable.", retryAfterSeconds: 1), Reply.Success("After the pause"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("After the pause");
        var requests = scenario.Requests;
        requests.Count.ShouldBe(2);
        Stopwatch.GetElapsedTime(requests[0].ReceivedTimestamp, requests[1].ReceivedTimestamp)
            .ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900), "the retry honours Retry-After: 1");
    }

    [Fact]
    public async Task A_connection_test_answered_429_with_a_distant_http_date_reports_rate_limited_after_one_request()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.ErrorWithRetryAfterDate(429, LongWait));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error", data.ToJsonString());
        data["error"]!["code"]!.GetValue<string>().ShouldBe("RATE_LIMITED", data.ToJsonString());
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce);
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_connection_test_answered_503_with_a_long_retry_after_reports_upstream_error_after_one_request()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Error(503, "Service temporarily unavailable.", retryAfterSeconds: (int)LongWait.TotalSeconds));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error", data.ToJsonString());
        data["error"]!["code"]!.GetValue<string>().ShouldBe("UPSTREAM_ERROR", data.ToJsonString());
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(AtOnce);
        scenario.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_429_without_retry_after_still_gets_a_retry_after_of_5_seconds_on_our_429(string kind)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Error(429, "Rate limit reached for requests."));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        response.Headers.RetryAfter.ShouldNotBeNull("every 429 of ours says when to come back").Delta.ShouldBe(TimeSpan.FromSeconds(5));
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts, "a 429 without a wait is retried like a 5xx");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_429_with_retry_after_0_passes_0_on_not_1_or_the_default(string kind)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.RateLimited(0));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        response.Headers.RetryAfter.ShouldNotBeNull("every 429 of ours says when to come back").Delta.ShouldBe(TimeSpan.Zero);
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts, "a wait of 0 is within the cap, so it is retried");
    }

    [Theory]
    [InlineData(429, "2147483648")]
    [InlineData(503, "99999999999")]
    public async Task A_retry_after_too_long_for_any_clock_is_not_retried_and_a_day_is_passed_on(int status, string value)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(exchange =>
        {
            exchange.Http.Response.Headers.RetryAfter = value;
            return Reply.Error(status, "Come back much later.")(exchange);
        });
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        response.StatusCode.ShouldBe((HttpStatusCode)status);
        scenario.Requests.Count.ShouldBe(1, "a wait past the cap is not retried, however it is written");
        if (status == 429)
        {
            response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromDays(1));
        }
    }

    [Fact]
    public async Task A_429_with_a_long_retry_after_in_seconds_passes_the_providers_value_on_not_the_default()
    {
        var scenario = Upstream.NewScenario(Reply.RateLimited(37));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(37));
        scenario.Requests.Count.ShouldBe(1);
    }
}

/// <summary>The API with <c>Gateways:MaxRetryAfterSeconds</c> lowered to 2, so the cap's edge is cheap to reach.</summary>
public sealed class ShortRetryAfterCapApiFactory : UpstreamApiFactory
{
    public const int MaxRetryAfterSeconds = 2;

    public ShortRetryAfterCapApiFactory() =>
        Settings["Gateways:MaxRetryAfterSeconds"] = MaxRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The cap comes from the setting: a wait just over it is passed on, one at it is sat out.</summary>
public sealed class RetryAfterCapTests(ShortRetryAfterCapApiFactory factory) : IClassFixture<ShortRetryAfterCapApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task A_429_asking_for_one_second_more_than_the_cap_is_passed_on_after_one_request()
    {
        var scenario = Upstream.NewScenario(Reply.RateLimited(ShortRetryAfterCapApiFactory.MaxRetryAfterSeconds + 1), Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(ShortRetryAfterCapApiFactory.MaxRetryAfterSeconds + 1));
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_429_asking_for_exactly_the_cap_is_waited_out_and_retried()
    {
        var scenario = Upstream.NewScenario(Reply.RateLimited(ShortRetryAfterCapApiFactory.MaxRetryAfterSeconds), Reply.Success("Within the cap"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("Within the cap");
        scenario.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_503_whose_http_date_lies_beyond_the_cap_is_503_after_one_request()
    {
        var scenario = Upstream.NewScenario(FaultReply.ErrorWithRetryAfterDate(503, TimeSpan.FromSeconds(6), "Service temporarily unavailable."), Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.Count.ShouldBe(1);
    }
}
