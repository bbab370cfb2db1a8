using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// When the time budget runs out before the connect timeout would, against a host that never accepts, the connect step
/// gives up first: the chat is a connection failure that was never sent, not a timeout counted as a request.
/// </summary>
public sealed class ConnectWithinTheBudgetTests(SlowConnectApiFactory factory) : IClassFixture<SlowConnectApiFactory>
{
    private static JsonObject OneSecondBudget => new() { ["timeoutSeconds"] = 1 };

    [Fact]
    public async Task A_chat_whose_budget_ends_before_its_connection_is_made_is_503_and_is_not_counted()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(factory.Upstream.NewScenario(), baseUrl: silent.OpenAiBaseUrl, configuration: OneSecondBudget);

        var watch = Stopwatch.StartNew();
        using (var response = await client.ChatAsync(provider, "Hi"))
        {
            var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
            error.Message().ShouldEndWith($"Connecting to 127.0.0.1:{silent.Port} did not finish within the call's time budget.");
        }

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1.9), "the budget of 1 s bounds the connect step, not the connect timeout of 2 s");
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(0, "no connection was ever made");
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(0);
    }

    [Fact]
    public async Task Connects_cut_short_by_the_callers_budget_do_not_open_the_hosts_circuit()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(factory.Upstream.NewScenario(), baseUrl: silent.OpenAiBaseUrl, configuration: OneSecondBudget);

        for (var call = 0; call < SlowConnectApiFactory.CircuitMinimumThroughput + 2; call++)
        {
            using var response = await client.ChatAsync(provider, "Hi");
            var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
            error.Message().ShouldContain("did not finish within the call's time budget", customMessage: $"call {call + 1}: the host's circuit must stay closed");
        }
    }

    [Fact]
    public async Task A_connection_test_whose_budget_ends_before_its_connection_is_made_reports_connection_failed()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(factory.Upstream.NewScenario(), baseUrl: silent.OpenAiBaseUrl, configuration: OneSecondBudget);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("CONNECTION_FAILED", data.ToJsonString());
        data["error"]!["message"]!.GetValue<string>().ShouldBe($"Connecting to 127.0.0.1:{silent.Port} did not finish within the call's time budget.");
    }
}
