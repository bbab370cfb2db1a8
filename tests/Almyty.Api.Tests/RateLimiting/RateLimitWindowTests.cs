using System.Security.Claims;
using Almyty.Api.Auth;
using Almyty.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Almyty.Api.Tests.RateLimiting;

/// <summary>The window arithmetic, on a clock the test moves.</summary>
public sealed class RateLimitWindowTests
{
    private const int Limit = 2;
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(WindowStart.AddSeconds(30));
    private readonly OrganizationRateLimit _limit;
    private int _handled;

    public RateLimitWindowTests() =>
        _limit = new OrganizationRateLimit(
            _ => { _handled++; return Task.CompletedTask; },
            Options.Create(new RateLimitOptions { PermitsPerWindow = Limit, WindowSeconds = 60 }),
            _clock);

    [Fact]
    public async Task A_spent_budget_comes_back_when_the_next_window_starts_and_not_before()
    {
        await SendAsync("org-a");
        await SendAsync("org-a");
        var refused = await SendAsync("org-a");
        refused.StatusCode.ShouldBe(StatusCodes.Status429TooManyRequests);
        refused.Headers.RetryAfter.ToString().ShouldBe("30");
        refused.Headers["X-RateLimit-Reset"].ToString().ShouldBe(WindowStart.AddMinutes(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        _clock.Advance(TimeSpan.FromSeconds(29.5));
        (await SendAsync("org-a")).StatusCode.ShouldBe(StatusCodes.Status429TooManyRequests);

        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var renewed = await SendAsync("org-a");

        renewed.StatusCode.ShouldBe(StatusCodes.Status200OK);
        renewed.Headers["X-RateLimit-Remaining"].ToString().ShouldBe("1");
        _handled.ShouldBe(3, "refused requests never reach the endpoint");
    }

    [Fact]
    public async Task A_limit_of_zero_turns_limiting_off()
    {
        var unlimited = new OrganizationRateLimit(_ => Task.CompletedTask, Options.Create(new RateLimitOptions { PermitsPerWindow = 0 }), _clock);
        for (var i = 0; i < 100; i++)
        {
            var context = Context("org-a");
            await unlimited.InvokeAsync(context);
            context.Response.StatusCode.ShouldBe(StatusCodes.Status200OK);
            context.Response.Headers.ContainsKey("X-RateLimit-Limit").ShouldBeFalse();
        }
    }

    /// <summary>The request through the limit, then the answer started, as the server would: its headers are set then.</summary>
    private async Task<HttpResponse> SendAsync(string organization)
    {
        var response = new StartableResponse();
        var context = Context(organization, response);
        await _limit.InvokeAsync(context);
        await response.StartAsync();
        return context.Response;
    }

    private static DefaultHttpContext Context(string organization, StartableResponse? response = null)
    {
        var context = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AlmytyClaims.OrganizationId, organization)], "test")),
            RequestServices = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider(),
        };
        if (response is not null)
        {
            context.Features.Set<IHttpResponseFeature>(response);
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>A response whose <c>OnStarting</c> callbacks run when the test says the answer starts.</summary>
    private sealed class StartableResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            // Last registered, first run, as Kestrel does.
            for (var i = _starting.Count - 1; i >= 0; i--)
            {
                await _starting[i].Callback(_starting[i].State);
            }
        }
    }
}
