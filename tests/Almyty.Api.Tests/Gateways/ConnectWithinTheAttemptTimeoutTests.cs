using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// When the attempt timeout is shorter than the connect timeout, against a host that never accepts, each attempt's
/// connect step gives up before the attempt timeout fires: every chat, however many run at once, is a connection failure
/// that was never sent.
/// </summary>
public sealed class ConnectWithinTheAttemptTimeoutTests(ShortAttemptApiFactory factory) : IClassFixture<ShortAttemptApiFactory>
{
    private const int Chats = 10;

    [Fact]
    public async Task Concurrent_chats_whose_connections_outlast_the_attempt_timeout_are_503_connecting_timed_out_and_none_is_counted()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(factory.Upstream.NewScenario(), baseUrl: silent.OpenAiBaseUrl);

        var responses = await Task.WhenAll(Enumerable.Range(0, Chats).Select(_ => client.ChatAsync(provider, "Hi")));

        foreach (var response in responses)
        {
            using (response)
            {
                var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
                error.Message().ShouldEndWith($"Connecting to 127.0.0.1:{silent.Port} timed out.");
            }
        }

        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(0, "no connection was ever made");
        (await factory.Database.CountAsync($"SELECT count(*) FROM usage_records WHERE provider_id = '{provider}'")).ShouldBe(0);
    }
}
