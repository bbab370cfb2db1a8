using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.RateLimiting;

/// <summary>Three requests per organization per day, so a test never straddles a window.</summary>
public sealed class RateLimitedApiFactory : ApiFactory
{
    public const int Limit = 3;

    public RateLimitedApiFactory()
    {
        Settings["RateLimiting:PermitsPerWindow"] = Limit.ToString(CultureInfo.InvariantCulture);
        Settings["RateLimiting:WindowSeconds"] = "86400";
    }
}

public sealed class RateLimitTests(RateLimitedApiFactory factory) : IClassFixture<RateLimitedApiFactory>
{
    [Fact]
    public async Task Each_answer_carries_the_organizations_remaining_budget_and_the_request_over_it_is_a_429_with_retry_after()
    {
        using var client = factory.NewOwner();
        var ct = TestContext.Current.CancellationToken;

        for (var remaining = RateLimitedApiFactory.Limit - 1; remaining >= 0; remaining--)
        {
            using var allowed = await client.GetAsync("/llm-providers", ct);
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
            Header(allowed, "X-RateLimit-Limit").ShouldBe(RateLimitedApiFactory.Limit);
            Header(allowed, "X-RateLimit-Remaining").ShouldBe(remaining);
            Header(allowed, "X-RateLimit-Reset").ShouldBeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }

        using var refused = await client.PostAsync("/llm-providers", new StringContent("{}", MediaTypeHeaderValue.Parse("application/json")), ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var body = await refused.JsonAsync();
        body["success"]!.GetValue<bool>().ShouldBeFalse();
        body["error"]!.GetValue<string>().ShouldBe("RATE_LIMITED");
        body["statusCode"]!.GetValue<int>().ShouldBe(429);
        body["message"]!.GetValue<string>().ShouldContain("3 per 86400 s");
        Header(refused, "X-RateLimit-Remaining").ShouldBe(0);
        var retryAfter = refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0;
        retryAfter.ShouldBeInRange(1, 86_400);
        (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + retryAfter).ShouldBe(Header(refused, "X-RateLimit-Reset"), tolerance: 2);
    }

    [Theory]
    [InlineData("{x")]
    [InlineData("""{"unknownMember":1}""")]
    public async Task A_body_refused_before_the_handler_is_counted_and_still_carries_the_budget(string body)
    {
        using var client = factory.NewOwner();
        var ct = TestContext.Current.CancellationToken;

        using var refused = await client.PostAsync("/llm-providers", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")), ct);
        using var next = await client.GetAsync("/llm-providers", ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Header(refused, "X-RateLimit-Limit").ShouldBe(RateLimitedApiFactory.Limit);
        Header(refused, "X-RateLimit-Remaining").ShouldBe(RateLimitedApiFactory.Limit - 1);
        Header(next, "X-RateLimit-Remaining").ShouldBe(RateLimitedApiFactory.Limit - 2);
    }

    [Fact]
    public async Task Another_organization_keeps_its_own_budget()
    {
        using var spent = factory.NewOwner();
        using var other = factory.NewOwner();
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i <= RateLimitedApiFactory.Limit; i++)
        {
            using var _ = await spent.GetAsync("/llm-providers", ct);
        }

        using var response = await other.GetAsync("/llm-providers", ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(response, "X-RateLimit-Remaining").ShouldBe(RateLimitedApiFactory.Limit - 1);
    }

    [Theory]
    [InlineData(null, "/health/live", HttpStatusCode.OK)]
    [InlineData("not-a-token", "/llm-providers", HttpStatusCode.Unauthorized)]
    public async Task Requests_without_a_valid_token_are_not_counted(string? token, string url, HttpStatusCode expected)
    {
        using var client = factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        for (var i = 0; i <= RateLimitedApiFactory.Limit; i++)
        {
            using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

            response.StatusCode.ShouldBe(expected);
            response.Headers.Contains("X-RateLimit-Limit").ShouldBeFalse();
        }
    }

    private static long Header(HttpResponseMessage response, string name) =>
        long.Parse(response.Headers.GetValues(name).Single(), CultureInfo.InvariantCulture);
}
