using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>An operator may turn retries off: every failure is then answered after exactly one upstream attempt.</summary>
public sealed class NoRetryTests(NoRetryApiFactory factory) : IClassFixture<NoRetryApiFactory>
{
    [Fact]
    public async Task With_retries_off_a_server_error_is_503_after_a_single_attempt()
    {
        var scenario = factory.Upstream.NewScenario(Reply.ServerError(), Reply.Success());
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task With_retries_off_a_working_upstream_still_answers()
    {
        var scenario = factory.Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        await response.ShouldSucceedAsync();
        scenario.Requests.Count.ShouldBe(1);
    }
}
