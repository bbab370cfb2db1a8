using System.Net;
using Almyty.Infrastructure.Gateways;
using Microsoft.Extensions.Time.Testing;

namespace Almyty.Infrastructure.Tests.Gateways;

/// <summary>How long a provider's 429 asks to wait: Retry-After in seconds or as a date, or OpenAI's retry-after-ms.</summary>
public sealed class RetryAfterHintTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("1500", 1500)]
    [InlineData("2.5", 2.5)]
    public void Retry_after_ms_is_read_in_milliseconds(string value, double expected) =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("retry-after-ms", value)), TimeProvider.System).ShouldBe(TimeSpan.FromMilliseconds(expected));

    [Theory]
    [InlineData("NaN")]
    [InlineData("-1")]
    [InlineData("soon")]
    public void A_retry_after_ms_no_wait_can_be_made_of_counts_as_no_hint(string value) =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("retry-after-ms", value)), TimeProvider.System).ShouldBeNull();

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("172800000")]
    public void A_retry_after_ms_beyond_a_day_is_a_day(string value) =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("retry-after-ms", value)), TimeProvider.System).ShouldBe(TimeSpan.FromDays(1));

    [Theory]
    [InlineData("86401")]
    [InlineData("2147483647")]
    [InlineData("2147483648")]
    [InlineData("99999999999")]
    [InlineData("99999999999999999999999999")]
    public void A_retry_after_in_seconds_beyond_a_day_is_a_day(string value) =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("Retry-After", value)), TimeProvider.System).ShouldBe(TimeSpan.FromDays(1));

    [Fact]
    public void A_retry_after_date_beyond_a_day_is_a_day() =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT")), new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)))
            .ShouldBe(TimeSpan.FromDays(1));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-3")]
    [InlineData("soon")]
    public void A_retry_after_that_is_neither_seconds_nor_a_date_is_no_hint(string value) =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("Retry-After", value)), TimeProvider.System).ShouldBeNull();

    [Fact]
    public void Retry_after_in_seconds_wins_over_retry_after_ms() =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("Retry-After", "3"), ("retry-after-ms", "100")), TimeProvider.System).ShouldBe(TimeSpan.FromSeconds(3));

    [Fact]
    public void A_retry_after_date_is_the_wait_until_it_by_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        UpstreamCaller.RetryAfterOf(TooManyRequests(("Retry-After", "Sun, 01 Mar 2026 12:00:07 GMT")), clock).ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void A_retry_after_date_already_past_is_no_wait() =>
        UpstreamCaller.RetryAfterOf(TooManyRequests(("Retry-After", "Sun, 01 Mar 2026 11:59:00 GMT")), new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)))
            .ShouldBe(TimeSpan.Zero);

    private static HttpResponseMessage TooManyRequests(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
