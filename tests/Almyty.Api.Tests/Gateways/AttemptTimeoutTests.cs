using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// A timeout's message names the time that ran out: the attempt timeout (<c>Gateways__AttemptTimeoutSeconds</c>, here
/// 1 s) when it cut the last attempt, the call's time budget when that ran out.
/// </summary>
public sealed class AttemptTimeoutTests(ShortAttemptApiFactory factory) : IClassFixture<ShortAttemptApiFactory>
{
    private const string PerAttempt = "No answer within the per-attempt timeout of 1 s (3 attempts).";

    private static readonly TimeSpan AnswerDelay = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_chat_whose_every_attempt_is_cut_by_the_attempt_timeout_names_that_timeout_not_the_budget()
    {
        var scenario = factory.Upstream.NewScenario();
        scenario.Always(Reply.Delay(AnswerDelay));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var watch = Stopwatch.StartNew();

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT");
        error.Message().ShouldBe("The provider did not answer in time: " + PerAttempt);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the budget of 60 s did not run out");
        scenario.Requests.Count.ShouldBe(1 + UpstreamApiFactory.MaxRetryAttempts);
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(1, "the call was sent");
    }

    [Fact]
    public async Task A_connection_test_whose_every_attempt_is_cut_by_the_attempt_timeout_names_that_timeout()
    {
        var scenario = factory.Upstream.NewScenario();
        scenario.Always(Reply.Delay(AnswerDelay));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["error"]!["code"]!.GetValue<string>().ShouldBe("TIMEOUT", data.ToJsonString());
        data["error"]!["message"]!.GetValue<string>().ShouldBe(PerAttempt);
    }

    /// <summary>
    /// Attempt 1 is cut by the attempt timeout at 1 s and retried; attempt 2 has less than 1 s of the 2 s budget left, so
    /// the budget is what ends it.
    /// </summary>
    [Fact]
    public async Task A_chat_whose_budget_runs_out_during_a_retry_names_the_budget()
    {
        var scenario = factory.Upstream.NewScenario();
        scenario.Always(Reply.Hang());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, configuration: new JsonObject { ["timeoutSeconds"] = 2 });

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.GatewayTimeout, "PROVIDER_TIMEOUT");
        error.Message().ShouldBe("The provider did not answer in time: No answer within 2 s.");
        scenario.Requests.Count.ShouldBe(2);
    }
}
