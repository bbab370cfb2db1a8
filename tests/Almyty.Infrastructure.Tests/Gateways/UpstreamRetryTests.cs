using System.Net;
using System.Net.Sockets;
using Almyty.Infrastructure.Gateways;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;

namespace Almyty.Infrastructure.Tests.Gateways;

/// <summary>
/// Whether a failed attempt is retried, and after how long: only when the wait (the provider's Retry-After, else the
/// jittered backoff) ends before the call's time budget does.
/// </summary>
public sealed class UpstreamRetryTests
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public void A_429_whose_retry_after_fits_in_the_budget_is_retried_after_exactly_that_wait() =>
        Decide(Answer(429, ("Retry-After", "2")), remaining: TimeSpan.FromSeconds(2.9)).ShouldBe(TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(2.0)]
    [InlineData(1.9)]
    [InlineData(0.5)]
    public void A_429_whose_retry_after_would_end_at_or_after_the_budget_is_not_retried(double remainingSeconds) =>
        Decide(Answer(429, ("Retry-After", "2")), remaining: TimeSpan.FromSeconds(remainingSeconds)).ShouldBeNull();

    [Fact]
    public void A_retry_after_date_that_falls_after_the_budget_is_not_retried() =>
        Decide(Answer(429, ("Retry-After", "Sun, 01 Mar 2026 12:00:04 GMT")), remaining: TimeSpan.FromSeconds(3)).ShouldBeNull();

    [Fact]
    public void A_retry_after_date_within_the_budget_is_waited_until() =>
        Decide(Answer(503, ("Retry-After", "Sun, 01 Mar 2026 12:00:02 GMT")), remaining: TimeSpan.FromSeconds(3)).ShouldBe(TimeSpan.FromSeconds(2));

    [Fact]
    public void Retry_after_ms_is_the_wait_and_is_held_against_the_budget()
    {
        Decide(Answer(429, ("retry-after-ms", "1500")), remaining: TimeSpan.FromSeconds(2)).ShouldBe(TimeSpan.FromMilliseconds(1500));
        Decide(Answer(429, ("retry-after-ms", "1500")), remaining: TimeSpan.FromSeconds(1)).ShouldBeNull();
    }

    [Fact]
    public void A_retry_after_beyond_the_cap_is_not_retried_even_with_budget_to_spare() =>
        Decide(Answer(429, ("Retry-After", "11")), remaining: TimeSpan.FromMinutes(10)).ShouldBeNull();

    [Fact]
    public void Without_a_budget_only_the_cap_bounds_the_wait() =>
        Decide(Answer(429, ("Retry-After", "10")), remaining: null).ShouldBe(TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData(0, 0.0, 187.5)]
    [InlineData(0, 0.5, 250)]
    [InlineData(0, 0.999, 312.3)]
    [InlineData(1, 0.5, 500)]
    [InlineData(2, 0.0, 750)]
    public void Without_retry_after_the_wait_is_the_exponential_backoff_with_jitter(int attempt, double random, double expectedMilliseconds) =>
        Decide(Answer(500), remaining: TimeSpan.FromMinutes(1), attempt, random).ShouldNotBeNull().TotalMilliseconds.ShouldBe(expectedMilliseconds, 1);

    [Fact]
    public void A_5xx_whose_backoff_would_not_fit_is_not_retried()
    {
        var longBase = TimeSpan.FromSeconds(10);

        UpstreamRetry.DelayBeforeRetry(Answer(500), 0, TimeSpan.FromSeconds(3), longBase, MaxRetryAfter, _clock, random: 0).ShouldBeNull();
        UpstreamRetry.DelayBeforeRetry(Answer(500), 0, TimeSpan.FromSeconds(8), longBase, MaxRetryAfter, _clock, random: 0).ShouldBe(TimeSpan.FromSeconds(7.5));
    }

    [Fact]
    public void A_network_error_whose_backoff_would_not_fit_is_not_retried()
    {
        var refused = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));

        Decide(refused, remaining: TimeSpan.FromMilliseconds(100)).ShouldBeNull();
        Decide(refused, remaining: TimeSpan.FromSeconds(1)).ShouldNotBeNull();
    }

    [Fact]
    public void An_attempt_timeout_whose_backoff_would_not_fit_is_not_retried()
    {
        var timedOut = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException());

        Decide(timedOut, remaining: TimeSpan.FromMilliseconds(100)).ShouldBeNull();
        Decide(timedOut, remaining: TimeSpan.FromSeconds(1)).ShouldNotBeNull();
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(200)]
    public void What_is_not_transient_is_not_retried_whatever_the_budget(int status) =>
        Decide(Answer(status), remaining: null).ShouldBeNull();

    [Fact]
    public void An_egress_refusal_is_not_retried() =>
        Decide(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("blocked", new EgressBlockedException("metadata.internal", IPAddress.Parse("169.254.169.254")))), remaining: null).ShouldBeNull();

    [Fact]
    public void The_budget_left_is_measured_from_the_deadline_set_on_the_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/chat/completions");
        UpstreamRetry.Remaining(request, _clock).ShouldBeNull("a request without a deadline has no budget");

        UpstreamRetry.SetDeadline(request, _clock.GetTimestamp(), TimeSpan.FromSeconds(3), _clock);
        _clock.Advance(TimeSpan.FromSeconds(1.25));

        UpstreamRetry.Remaining(request, _clock).ShouldBe(TimeSpan.FromSeconds(1.75));
    }

    private TimeSpan? Decide(Outcome<HttpResponseMessage> outcome, TimeSpan? remaining, int attempt = 0, double random = 0.5) =>
        UpstreamRetry.DelayBeforeRetry(outcome, attempt, remaining, BaseDelay, MaxRetryAfter, _clock, random);

    private static Outcome<HttpResponseMessage> Answer(int status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return Outcome.FromResult(response);
    }
}
