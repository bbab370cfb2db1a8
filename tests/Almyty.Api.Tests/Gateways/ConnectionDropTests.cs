using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// An upstream that sends its headers and then drops the connection before the body is complete: a connection
/// failure (chat 503 <c>PROVIDER_UNAVAILABLE</c>, test <c>CONNECTION_FAILED</c>), never a 500, and the chat still counts.
/// </summary>
public sealed class ConnectionDropTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_chat_whose_upstream_drops_the_connection_mid_body_is_503_provider_unavailable(bool declareLength)
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.HeadersThenDrop(declareLength: declareLength));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task An_anthropic_chat_whose_upstream_drops_the_connection_mid_body_is_503_provider_unavailable()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.HeadersThenDrop());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "anthropic");

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.ShouldNotBeEmpty();
        scenario.Requests.ShouldAllBe(r => r.Path == "/v1/messages");
    }

    [Fact]
    public async Task A_chat_dropped_mid_body_is_counted_once_in_the_totals_with_no_tokens_and_no_cost()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.HeadersThenDrop());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using (var response = await client.ChatAsync(provider, "Hi"))
        {
            await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        }

        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(1, stored.ToJsonString());
        stored["totalTokens"].AsCount().ShouldBe(0);
        stored["totalCost"].AsMoney().ShouldBe(0m);
        var rows = await factory.Database.RowsAsync($"SELECT outcome, input_tokens, output_tokens FROM usage_records WHERE provider_id = '{provider}'");
        rows.Count.ShouldBe(1, "the call reached the provider, so it is recorded once");
        rows[0][0].ShouldBe("PROVIDER_UNAVAILABLE");
        rows[0][1].ShouldBeNull();
        rows[0][2].ShouldBeNull();
    }

    [Fact]
    public async Task A_session_chat_dropped_mid_body_stores_no_half_turn()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.HeadersThenDrop());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);
        var session = Guid.NewGuid();

        using var response = await client.ChatAsync(provider, "Remember me", session);

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        (await factory.Database.StoredMessagesAsync(session)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_connection_test_whose_upstream_drops_mid_body_reports_connection_failed_and_marks_the_provider_in_error()
    {
        var scenario = Upstream.NewScenario();
        scenario.Always(FaultReply.HeadersThenDrop());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error", data.ToJsonString());
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("CONNECTION_FAILED", data.ToJsonString());
        data["error"]!["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        scenario.Requests.ShouldNotBeEmpty();

        var stored = await client.GetProviderDataAsync(provider);
        stored["status"]!.GetValue<string>().ShouldBe("error");
        stored["lastError"].ShouldNotBeNull().GetValue<string>().ShouldContain("CONNECTION_FAILED");
        stored["totalRequests"].AsCount().ShouldBe(0, "connection tests do not count as usage");
    }

    [Fact]
    public async Task After_a_dropped_answer_the_same_provider_answers_normally()
    {
        var scenario = Upstream.NewScenario(FaultReply.HeadersThenDrop(), Reply.Success("Back again"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using (var dropped = await client.ChatAsync(provider, "First"))
        {
            await dropped.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        }

        using var response = await client.ChatAsync(provider, "Second");

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe("Back again");
        scenario.Requests.Count.ShouldBe(2, "the dropped 200 is not retried, and the next chat is one request");
    }
}
