using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>A circuit breaker per upstream: a dead provider stops being called, and the others are not slowed by it.</summary>
public sealed class CircuitBreakerTests(CircuitBreakerApiFactory factory) : IClassFixture<CircuitBreakerApiFactory>
{
    [Fact]
    public async Task A_dead_upstream_opens_its_own_circuit_and_leaves_another_upstream_alone()
    {
        var dead = factory.Upstreams[0].NewScenario();
        dead.Always(Reply.ServerError());
        var healthy = factory.Upstreams[1].NewScenario();
        var client = factory.OwnerClient();
        var deadProvider = await client.AddProviderAsync(dead);
        var healthyProvider = await client.AddProviderAsync(healthy);

        for (var i = 0; i < 3 * CircuitBreakerApiFactory.MinimumThroughput; i++)
        {
            using var response = await client.ChatAsync(deadProvider, $"Anyone there {i}?");
            await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
            if (i == 0)
            {
                response.Headers.RetryAfter.ShouldBeNull("a 5xx without a wait of its own gives no hint");
            }
        }

        using (var paused = await client.ChatAsync(deadProvider, "Paused?"))
        {
            var body = await paused.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
            body["message"]!.GetValue<string>().ShouldContain("circuit open");
            paused.Headers.RetryAfter.ShouldNotBeNull("an open circuit says when calls go through again")
                .Delta.ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(int.Parse(CircuitBreakerApiFactory.BreakSeconds, System.Globalization.CultureInfo.InvariantCulture)));
        }

        dead.Requests.Count.ShouldBeLessThan(3 * CircuitBreakerApiFactory.MinimumThroughput, "once the circuit is open, calls stop reaching the dead upstream");
        dead.Requests.Count.ShouldBeGreaterThanOrEqualTo(CircuitBreakerApiFactory.MinimumThroughput);

        using (var other = await client.ChatAsync(healthyProvider, "Still fine?"))
        {
            await other.ShouldSucceedAsync();
        }

        healthy.Requests.Count.ShouldBe(1);
        var chatsSent = dead.Requests.Select(r => r.LastUserMessage).Distinct().Count();
        (await client.GetProviderDataAsync(deadProvider))["totalRequests"].AsCount().ShouldBe(chatsSent, "only chats that were sent count, once each");
    }
}
