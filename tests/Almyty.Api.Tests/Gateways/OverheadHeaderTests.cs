using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// <c>X-Almyty-Overhead-Ms</c> is the service's own time: the wait on the provider is taken out whatever the call's
/// outcome, so a slow upstream that fails does not show up as our overhead. Retries off, so one wait is one attempt.
/// </summary>
public sealed class OverheadHeaderTests(NoRetryApiFactory factory) : IClassFixture<NoRetryApiFactory>
{
    /// <summary>How long the fake sits on each request before it answers.</summary>
    private static readonly TimeSpan UpstreamDelay = TimeSpan.FromMilliseconds(1_500);

    private FakeUpstream Upstream => factory.Upstream;

    [Fact]
    public async Task A_slow_upstream_that_answers_500_is_not_counted_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Delay(UpstreamDelay, Reply.ServerError()));
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        total.ShouldBeGreaterThan(UpstreamDelay, "the request waited for the upstream");
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms, {UpstreamDelay.TotalMilliseconds:0} of them upstream");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_slow_upstream_that_answers_429_is_not_counted_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Delay(UpstreamDelay, Reply.RateLimited(120)));
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldFailWithAsync(HttpStatusCode.TooManyRequests, "PROVIDER_RATE_LIMITED");
        total.ShouldBeGreaterThan(UpstreamDelay);
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_slow_upstream_that_drops_the_connection_mid_body_is_not_counted_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Delay(UpstreamDelay, FaultReply.HeadersThenDrop()));
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        total.ShouldBeGreaterThan(UpstreamDelay);
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task An_upstream_that_outlasts_the_provider_timeout_is_not_counted_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Hang());
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["timeoutSeconds"] = 2 });
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldFailWithAsync(HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT");
        total.ShouldBeGreaterThan(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(50), "timeoutSeconds: 2 was waited out");
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_slow_upstream_that_answers_is_not_counted_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Delay(UpstreamDelay));
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldSucceedAsync();
        total.ShouldBeGreaterThan(UpstreamDelay);
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_connection_test_against_a_slow_failing_upstream_is_not_counted_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var scenario = Upstream.NewScenario();
        scenario.Always(Reply.Delay(UpstreamDelay, Reply.ServerError()));
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.TestConnectionAsync(provider);

        var total = Stopwatch.GetElapsedTime(started);
        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error", data.ToJsonString());
        total.ShouldBeGreaterThan(UpstreamDelay);
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_request_that_calls_no_upstream_has_its_whole_time_as_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.GetAsync(ChatApi.Route, TestContext.Current.CancellationToken);

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldSucceedAsync();
        var overhead = OverheadProbe.OverheadOf(response);
        overhead.ShouldBeGreaterThan(0);
        overhead.ShouldBeLessThanOrEqualTo(total.TotalMilliseconds, "the header cannot exceed what the client measured around it");
    }
}

/// <summary>With retries on, every attempt's wait (and the backoff between them) is upstream time, not overhead.</summary>
public sealed class RetriedOverheadHeaderTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    [Fact]
    public async Task Every_slow_failed_attempt_is_taken_out_of_the_overhead()
    {
        var client = await OverheadProbe.WarmedUpClientAsync(factory);
        var perAttempt = TimeSpan.FromMilliseconds(600);
        var scenario = factory.Upstream.NewScenario();
        scenario.Always(Reply.Delay(perAttempt, Reply.ServerError()));
        var provider = await client.AddProviderAsync(scenario);
        var started = Stopwatch.GetTimestamp();

        using var response = await client.ChatAsync(provider, "Hi");

        var total = Stopwatch.GetElapsedTime(started);
        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts);
        total.ShouldBeGreaterThan(perAttempt * (1 + UpstreamApiFactory.MaxRetryAttempts));
        OverheadProbe.OverheadOf(response).ShouldBeLessThan(OverheadProbe.CeilingMs, $"the whole request took {total.TotalMilliseconds:0} ms over {scenario.Requests.Count} attempts");
    }
}

/// <summary>Reading the header, and a first call that takes the host's one-off start-up costs out of the timed one.</summary>
internal static class OverheadProbe
{
    /// <summary>Our own share of a request (database reads, the usage write, serialization) stays well below this.</summary>
    public const double CeilingMs = 1_000;

    public static double OverheadOf(HttpResponseMessage response)
    {
        response.Headers.TryGetValues("X-Almyty-Overhead-Ms", out var values).ShouldBeTrue("every response carries the overhead header");
        var text = values!.Single();
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds).ShouldBeTrue($"'{text}' is not a number");
        milliseconds.ShouldBeGreaterThanOrEqualTo(0);
        return milliseconds;
    }

    /// <summary>
    /// A client of a new organization, after one quick chat and one quick failed chat through the same paths, so the
    /// timed request does not pay for compiling them.
    /// </summary>
    public static async Task<HttpClient> WarmedUpClientAsync(UpstreamApiFactory factory)
    {
        var client = factory.OwnerClient();
        var scenario = factory.Upstream.NewScenario(Reply.Success());
        scenario.Always(Reply.Error(400, "Warm-up rejection."));
        var provider = await client.AddProviderAsync(scenario);
        using (var ok = await client.ChatAsync(provider, "Warm up"))
        {
            await ok.ShouldSucceedAsync();
        }

        using (var failed = await client.ChatAsync(provider, "Warm up again"))
        {
            await failed.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        }

        using (var test = await client.TestConnectionAsync(provider))
        {
            await test.ShouldSucceedAsync();
        }

        return client;
    }
}
