using Almyty.Infrastructure.Gateways;
using Microsoft.Extensions.Time.Testing;

namespace Almyty.Infrastructure.Tests.Gateways;

/// <summary>
/// What the connect step and the timeout message learn from a call's attempts: how long the attempt under way and the
/// budget have left, and whether the attempt timeout, not the budget, was to end the last attempt.
/// </summary>
public sealed class UpstreamAttemptsTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_request_sent_outside_the_caller_has_no_time_left_to_go_by()
    {
        using var request = NewRequest();

        UpstreamAttempts.TimeLeft(request, _clock).ShouldBeNull();
        UpstreamAttempts.LastAttempt(request).ShouldBeNull();
    }

    [Fact]
    public void The_time_left_is_that_of_the_attempt_while_it_ends_before_the_budget()
    {
        using var request = Started(budget: TimeSpan.FromSeconds(3));
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        UpstreamAttempts.Begin(request, AttemptTimeout, _clock);
        _clock.Advance(TimeSpan.FromSeconds(0.25));

        UpstreamAttempts.TimeLeft(request, _clock).ShouldBe((TimeSpan.FromSeconds(0.75), false));
        UpstreamAttempts.LastAttempt(request).ShouldBe((1, true));
    }

    [Fact]
    public void The_time_left_is_that_of_the_budget_when_it_ends_first_and_the_attempt_timeout_is_not_blamed()
    {
        using var request = Started(budget: TimeSpan.FromSeconds(2));
        UpstreamAttempts.Begin(request, AttemptTimeout, _clock);
        _clock.Advance(TimeSpan.FromSeconds(1.25));
        UpstreamAttempts.Begin(request, AttemptTimeout, _clock);
        _clock.Advance(TimeSpan.FromSeconds(0.25));

        UpstreamAttempts.TimeLeft(request, _clock).ShouldBe((TimeSpan.FromSeconds(0.5), true));
        UpstreamAttempts.LastAttempt(request).ShouldBe((2, false), "0.75 s of the budget were left when the second attempt began");
    }

    [Fact]
    public void An_attempt_timeout_equal_to_the_budget_left_is_not_blamed()
    {
        using var request = Started(budget: AttemptTimeout);

        UpstreamAttempts.Begin(request, AttemptTimeout, _clock);

        UpstreamAttempts.LastAttempt(request).ShouldBe((1, false));
    }

    private HttpRequestMessage Started(TimeSpan budget)
    {
        var request = NewRequest();
        UpstreamRetry.SetDeadline(request, _clock.GetTimestamp(), budget, _clock);
        UpstreamAttempts.Start(request);
        return request;
    }

    private static HttpRequestMessage NewRequest() => new(HttpMethod.Post, "https://api.example.com/v1/chat/completions");
}
