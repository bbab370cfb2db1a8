using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// The retry strategy's one decision per failed attempt: whether to try again, and after how long. A retry is made
/// only when its wait ends before the call's time budget does; otherwise the failure that asked for it (a 429 with its
/// Retry-After, a 5xx, a network error) is the answer at once, instead of a timeout after the budget has been sat out.
/// </summary>
/// <remarks>
/// Polly 8 calls <c>ShouldHandle</c> after every attempt and, only when it said yes and attempts are left, the
/// <c>DelayGenerator</c> for the wait. So the wait is chosen in <see cref="ShouldRetry"/>, which needs it to decide, and
/// handed to <see cref="StoredDelay"/> through the resilience context.
/// </remarks>
internal static class UpstreamRetry
{
    /// <summary>When the call's time budget runs out, as a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    private static readonly HttpRequestOptionsKey<long> DeadlineKey = new("Almyty.Upstream.Deadline");

    private static readonly ResiliencePropertyKey<TimeSpan> DelayKey = new("Almyty.Upstream.RetryDelay");

    /// <summary>The spread of the backoff: each wait is the exponential step times a factor in [1 - Jitter, 1 + Jitter).</summary>
    internal const double Jitter = 0.25;

    /// <summary>Marks the request with the moment its time budget of <paramref name="budget"/>, started at <paramref name="started"/>, runs out.</summary>
    public static void SetDeadline(HttpRequestMessage request, long started, TimeSpan budget, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var ticks = budget.TotalSeconds * timeProvider.TimestampFrequency;
        request.Options.Set(DeadlineKey, ticks >= long.MaxValue - started ? long.MaxValue : started + (long)ticks);
    }

    /// <summary>What is left of the request's time budget; null when it has none (then only the retry count bounds the retries).</summary>
    public static TimeSpan? Remaining(HttpRequestMessage? request, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return request is not null && request.Options.TryGetValue(DeadlineKey, out var deadline)
            ? timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), deadline)
            : null;
    }

    /// <summary>The strategy's <c>ShouldHandle</c>: decides, and keeps the wait for <see cref="StoredDelay"/>.</summary>
    public static ValueTask<bool> ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args, GatewayOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var maxRetryAfter = TimeSpan.FromSeconds(options.MaxRetryAfterSeconds);
        if (args.AttemptNumber >= options.MaxRetryAttempts)
        {
            // No retry follows the last attempt whatever is answered here; this only tells Polly's log whether the
            // failure was one it handles.
            return ValueTask.FromResult(GatewaySetup.IsTransient(args.Outcome, maxRetryAfter, timeProvider));
        }

        var delay = DelayBeforeRetry(
            args.Outcome,
            args.AttemptNumber,
            Remaining(args.Context.GetRequestMessage(), timeProvider),
            TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
            maxRetryAfter,
            timeProvider,
            Random.Shared.NextDouble());
        if (delay is { } wait)
        {
            args.Context.Properties.Set(DelayKey, wait);
        }

        return ValueTask.FromResult(delay is not null);
    }

    /// <summary>The strategy's <c>DelayGenerator</c>: the wait <see cref="ShouldRetry"/> chose for this retry.</summary>
    public static ValueTask<TimeSpan?> StoredDelay(RetryDelayGeneratorArguments<HttpResponseMessage> args) =>
        ValueTask.FromResult(args.Context.Properties.TryGetValue(DelayKey, out var delay) ? delay : (TimeSpan?)null);

    /// <summary>
    /// The wait before retrying after attempt <paramref name="attempt"/> (zero-based), or null when there is to be no
    /// retry: the outcome is not worth another try (<see cref="GatewaySetup.IsTransient"/>), or the wait would not end
    /// before the budget does (<paramref name="remaining"/>, null for no budget). The wait is the provider's Retry-After
    /// (seconds, a date, or retry-after-ms) when it gave one, else the backoff.
    /// </summary>
    /// <param name="random">A number in [0, 1) that places the backoff within its jitter.</param>
    internal static TimeSpan? DelayBeforeRetry(
        Outcome<HttpResponseMessage> outcome,
        int attempt,
        TimeSpan? remaining,
        TimeSpan baseDelay,
        TimeSpan maxRetryAfter,
        TimeProvider timeProvider,
        double random)
    {
        if (!GatewaySetup.IsTransient(outcome, maxRetryAfter, timeProvider))
        {
            return null;
        }

        var delay = outcome.Result is { } response && UpstreamCaller.RetryAfterOf(response, timeProvider) is { } retryAfter
            ? retryAfter
            : Backoff(attempt, baseDelay, random);
        return remaining is { } left && delay >= left ? null : delay;
    }

    /// <summary>Exponential from <paramref name="baseDelay"/> (doubling per attempt), spread by ±<see cref="Jitter"/>.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan baseDelay, double random) =>
        baseDelay * Math.Pow(2, Math.Clamp(attempt, 0, 30)) * (1 - Jitter + (2 * Jitter * random));
}
