using System.Collections.Concurrent;
using System.Globalization;
using Almyty.Api.Auth;
using Almyty.Domain.Common;
using Microsoft.Extensions.Options;

namespace Almyty.Api.Http;

/// <summary><c>RateLimiting__PermitsPerWindow</c> and <c>RateLimiting__WindowSeconds</c> (docs/configuration.md).</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Requests one organization may make per window, all endpoints together; 0 turns the limit off.</summary>
    public int PermitsPerWindow { get; set; } = 6000;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// The platform's rate limit, per organization (the token's <c>org_id</c>), in fixed windows aligned to the clock.
/// Every authenticated answer carries <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (Unix time in seconds when the window ends); a request over the limit is answered
/// 429 <c>RATE_LIMITED</c> with <c>Retry-After</c>, before it reaches any handler. Requests without a valid token
/// pass through to their 401. The count is kept in this process: several instances each allow the limit.
/// </summary>
internal sealed class OrganizationRateLimit(RequestDelegate next, IOptions<RateLimitOptions> options, TimeProvider timeProvider)
{
    /// <summary>Past this many organizations, windows that have ended are dropped when a new one starts.</summary>
    private const int SweepThreshold = 10_000;

    private readonly RateLimitOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        var limit = _options.PermitsPerWindow;
        if (limit <= 0
            || context.User.Identity?.IsAuthenticated != true
            || AlmytyClaims.OnlyValue(context.User, AlmytyClaims.OrganizationId) is not { Length: > 0 } organization)
        {
            return next(context);
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var length = _options.WindowSeconds * 1000L;
        var window = Current(organization, now - (now % length));
        var used = Interlocked.Increment(ref window.Used);
        var end = window.Start + length;

        // Set as the answer starts: the exception handler clears the headers of an answer it replaces (a body that
        // is not valid JSON, say), and the request has been counted all the same.
        context.Response.OnStarting(
            static state =>
            {
                var (response, limit, remaining, reset) = ((HttpResponse, int, long, long))state;
                response.Headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
                response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                response.Headers["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            },
            (context.Response, limit, Math.Max(0L, limit - used), end / 1000));
        if (used <= limit)
        {
            return next(context);
        }

        var retryAfter = Math.Max(1, (end - now + 999) / 1000);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return ErrorResults.Problem(
                StatusCodes.Status429TooManyRequests,
                ErrorCodes.RateLimited,
                $"Too many requests: this organization may make {limit} per {_options.WindowSeconds} s. Try again in {retryAfter} s.")
            .ExecuteAsync(context);
    }

    private Window Current(string organization, long start)
    {
        var window = _windows.GetOrAdd(organization, static (_, s) => new Window(s), start);
        if (window.Start >= start)
        {
            return window;
        }

        var fresh = new Window(start);
        if (!_windows.TryUpdate(organization, fresh, window))
        {
            // Another request started the new window first: count in that one.
            return _windows.GetOrAdd(organization, fresh);
        }

        if (_windows.Count > SweepThreshold)
        {
            foreach (var (key, old) in _windows)
            {
                if (old.Start < start)
                {
                    _windows.TryRemove(new KeyValuePair<string, Window>(key, old));
                }
            }
        }

        return fresh;
    }

    private sealed class Window(long start)
    {
        public long Start { get; } = start;

        public int Used;
    }
}
