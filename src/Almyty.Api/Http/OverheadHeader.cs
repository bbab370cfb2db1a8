using System.Diagnostics;
using System.Globalization;
using Almyty.Application.Gateways;

namespace Almyty.Api.Http;

/// <summary>
/// <c>X-Almyty-Overhead-Ms</c> on every response: the time the service itself spent, i.e. the whole request minus the
/// time spent waiting for the provider.
/// </summary>
internal sealed class OverheadHeader(RequestDelegate next)
{
    public const string HeaderName = "X-Almyty-Overhead-Ms";

    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var upstream = context.RequestServices?.GetService<UpstreamTimer>()?.Elapsed.TotalMilliseconds ?? 0;
            context.Response.Headers[HeaderName] = Math.Max(0, total - upstream).ToString("0.###", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    }
}
